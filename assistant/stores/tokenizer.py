"""Chinese word segmentation for BM25: jieba, with the corpus's own place and department names added."""
from __future__ import annotations

import logging
import re
from pathlib import Path

import jieba

from assistant.govdocs.cleaning import to_simplified
from assistant.wordlists import read_words

jieba.setLogLevel(logging.WARNING)

_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# Function words that carry no meaning for matching.
STOPWORDS = set(read_words(Path(__file__).parent / "data" / "stopwords.txt"))


class Tokenizer:
    """A private jieba instance, so one index's dictionary never leaks into another's."""

    def __init__(self, user_words: list[str] | None = None):
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word in user_words or []:
            self._jieba.add_word(word, freq=50000)

    def tokenize(self, text: str) -> list[str]:
        tokens = []
        for token in self._jieba.cut_for_search(to_simplified(text)):  # 後 and 后 are one word
            token = token.strip().lower()
            if token and _KEEP.search(token) and token not in STOPWORDS:
                tokens.append(token)
        return tokens


def user_words(names: list[str]) -> list[str]:
    """Dictionary entries: each name and, for places, its short form (张店区 → 张店)."""
    words: set[str] = set()
    for name in names:
        name = name.strip()
        if 2 <= len(name) <= 20:
            words.add(name)
            m = re.match(r"^(.{2,})(?:区|县|市)$", name)
            if m:
                words.add(m.group(1))
    return sorted(words)
