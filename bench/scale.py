"""A corpus replicated N times, each copy moved to other places and years so no two copies are identical."""
from __future__ import annotations

import re
import shutil
from functools import lru_cache
from pathlib import Path

from assistant.govdocs.places import gazetteer

_YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")


@lru_cache(maxsize=1)
def _places_by_level() -> dict[str, list[str]]:
    levels: dict[str, list[str]] = {}
    for place in gazetteer().values():
        if place.level != "country":
            levels.setdefault(place.level, []).append(place.name)
    return {level: sorted(names) for level, names in levels.items()}


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern:
    aliases = set()
    for place in gazetteer().values():
        if place.level != "country":
            aliases.add(place.name)
            if place.short:
                aliases.add(place.short)
    return re.compile("|".join(map(re.escape, sorted(aliases, key=len, reverse=True))))


def vary_copy(text: str, copy: int) -> str:
    """Copy 0 is the text itself; copy n names the place n steps further in the gazetteer (same level)
    and shifts every year back by 1 to 5."""
    if copy == 0:
        return text
    places, levels = gazetteer(), _places_by_level()
    short_to_name = {p.short: p.name for p in places.values() if p.short}

    def move(match: re.Match) -> str:
        found = match.group(0)
        name = found if found in places else short_to_name.get(found, found)
        if name not in places or places[name].level not in levels:
            return found
        same_level = levels[places[name].level]
        target = places[same_level[(same_level.index(name) + copy) % len(same_level)]]
        return target.name if found == name else (target.short or target.name)

    shift = copy % 5 + 1
    text = _place_pattern().sub(move, text)
    return _YEAR.sub(lambda m: str(int(m.group(1)) - shift), text)


def replicate_corpus(source: Path, target: Path, factor: int) -> Path:
    """target/copy-000/… holds `factor` varied copies of every text file in source (others are copied as is)."""
    if target.exists():
        shutil.rmtree(target)
    for copy in range(factor):
        folder = target / f"copy-{copy:03d}"
        folder.mkdir(parents=True)
        for path in sorted(source.iterdir()):
            if path.name.startswith(".") or not path.is_file():
                continue
            if path.suffix.lower() in (".txt", ".md"):
                text = path.read_text(encoding="utf-8")
                (folder / path.name).write_text(vary_copy(text, copy), encoding="utf-8")
            else:
                shutil.copy(path, folder / path.name)
    return target
