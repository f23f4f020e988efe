"""Place names: which jurisdiction a document belongs to, and which places a text mentions."""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEVEL_RANK = {"country": 0, "province": 1, "city": 2, "county": 3}
_SUFFIXES = ("特别行政区", "自治区", "自治县", "省", "市", "区", "县", "旗")
# An issuer such as '淄博市张店区人民政府办公室' names its place right before 人民政府.
_GOV_PLACE = re.compile(r"([\u4e00-\u9fff]{2,8}?(?:省|市|区|县|旗))(?:人民)?政府")


@dataclass(frozen=True)
class Place:
    name: str
    level: str
    parent: str
    short: str  # 张店 for 张店区; empty when the short form would be a single character
    english: tuple[str, ...] = ()  # lowercase English names: "zhangdian", "zhangdian district"


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Place]:
    data = json.loads((Path(__file__).parent / "data" / "places.json").read_text(encoding="utf-8"))
    places: dict[str, Place] = {}
    for item in data["places"]:
        name = item["name"]
        short = _short_form(name)
        places[name] = Place(name, item["level"], item.get("parent", ""), short,
                             tuple(e.lower() for e in item.get("en", [])))
    return places


def _short_form(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return ""


@lru_cache(maxsize=1)
def _alias_pattern() -> tuple[re.Pattern, dict[str, str]]:
    alias_to_name: dict[str, str] = {}
    for place in gazetteer().values():
        alias_to_name[place.name] = place.name
        if place.short:
            alias_to_name.setdefault(place.short, place.name)
    alias_to_name.update({"国务院": "全国", "中华人民共和国": "全国"})
    aliases = sorted(alias_to_name, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, aliases))), alias_to_name


def find_places(text: str) -> list[str]:
    """Known places mentioned in the text (full names), in order of appearance."""
    pattern, alias_to_name = _alias_pattern()
    return [alias_to_name[m.group(0)] for m in pattern.finditer(text)]


def level_of(name: str) -> int:
    place = gazetteer().get(name)
    if place:
        return LEVEL_RANK[place.level]
    return LEVEL_RANK["county"] if name.endswith(("区", "县", "旗")) else LEVEL_RANK["city"]


def _most_specific(names: list[str]) -> str:
    if not names:
        return ""
    return max(names, key=lambda n: (level_of(n), -names.index(n)))


def places_in_issuer(issuer: str) -> list[str]:
    found = find_places(issuer)
    found += [m.group(1) for m in _GOV_PLACE.finditer(issuer) if m.group(1) not in found]
    return found


def infer_jurisdiction(issuer: str, title: str, body: str) -> str:
    """The most specific place named by the issuer, else by the title, else the one the body names most."""
    for source in (issuer, title):
        found = places_in_issuer(source)
        if found:
            return _most_specific(found)
    counts = Counter(find_places(body))
    counts.update(m.group(1) for m in _GOV_PLACE.finditer(body))
    if not counts:
        return ""
    # Prefer a district/county named repeatedly over the city around it.
    best_level = max(level_of(n) for n, c in counts.items() if c >= 2) if any(c >= 2 for c in counts.values()) else None
    candidates = [(c, n) for n, c in counts.items() if best_level is None or level_of(n) == best_level]
    return max(candidates)[1]


def ancestors(name: str) -> list[str]:
    """The places a place lies inside, nearest first, by the gazetteer's parents (张店区 → 淄博市, 山东省, …)."""
    places, found, seen = gazetteer(), [], set()
    while name in places and name not in seen:
        seen.add(name)
        name = places[name].parent
        if name:
            found.append(name)
    return found
