"""Word lists are data, not code: one entry per line (or several separated by spaces), # starts a comment.

    STOPWORDS = set(read_words(Path(__file__).parent / "data" / "stopwords.txt"))
"""
from __future__ import annotations

from pathlib import Path


def read_words(path: Path) -> list[str]:
    """The words of a list file in their order (order can matter: the first match may win)."""
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        words += line.split("#", 1)[0].split()
    return words
