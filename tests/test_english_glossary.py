"""English questions are read through the glossary: one normalisation for glossary keys and question words."""
from __future__ import annotations

import json

import pytest

from assistant.search.query import _DATA, english_key, english_words, glossary, translate_english


def _terms(text: str) -> list[tuple[str, ...]]:
    return [t.spellings for t in translate_english(text)[0]]


def test_words_are_lowercase_singular_and_split_the_same_way():
    assert english_words("The 13th Five-Year Plans’ targets") == ["the", "13", "th", "five", "year", "plan", "target"]
    assert english_words("people's congress / farmers' markets") == ["people", "congress", "farmer", "market"]
    assert english_words("5G base-stations, PM2.5") == ["5", "g", "base", "station", "pm", "2.5"]


@pytest.mark.parametrize("spellings", [
    ["13th five-year plan", "13th Five Year Plan", "13 th five-year plan", "13 TH FIVE YEAR PLANS", "13th five‐year plan"],
    ["charging piles", "charging pile", "charging-pile", "Charging-Piles"],
    ["5g base stations", "5G base-station", "5 g base station"],
    ["the people's congress", "the People’s Congress", "the peoples' congress", "the people congress"],
    ["combined rain/sewage pipes", "combined rain-sewage pipe", "combined rain sewage pipes"],
])
def test_spelling_variants_find_the_same_terms(spellings):
    found = [_terms(f"What does the {s} say?") for s in spellings]
    assert found[0], f"{spellings[0]!r} should be in the glossary"
    assert all(f == found[0] for f in found), dict(zip(spellings, found))


def test_variants_of_a_phrase_share_one_entry():
    en, _ = glossary()
    assert english_key("13th five-year plans") == english_key("13 th five year plan") in en
    assert "十三五" in en[english_key("13th five-year plan")]
    assert "充电桩" in en[english_key("charging-piles")]


def test_every_glossary_key_finds_its_own_entry():
    """No unreachable entries: each key, asked as it is written, is found whole and gives its terms."""
    en, _ = glossary()
    raw = json.loads((_DATA / "glossary.json").read_text(encoding="utf-8"))["en"]
    unreachable = []
    for phrase in raw:
        key = english_key(phrase)
        terms = translate_english(phrase)[0]
        if not (key in en and terms and terms[0].source == key and list(terms[0].spellings) == en[key]):
            unreachable.append(phrase)
    assert not unreachable
    for key in en:  # and each normalised key is a fixed point of the normalisation
        assert english_key(key) == key


def test_glossary_lists_one_spelling_per_phrase():
    raw = json.loads((_DATA / "glossary.json").read_text(encoding="utf-8"))["en"]
    keys = [english_key(k) for k in raw]
    assert len(keys) == len(set(keys))


def test_unknown_phrase_gives_no_terms():
    assert translate_english("Xyzzy quux frobnicate") == ([], [])
    assert _terms("") == []


def test_everyday_words_for_networks_and_heads_reach_the_documents_words():
    assert any("互联网" in s for s in _terms("Is internet access planned for rural clinics?"))
    assert any("组长" in s for s in _terms("Who heads the county's working group?"))


def test_everyday_policy_words_of_a_resident_are_read():
    # General words of notices to residents and firms (fees waived, rent, licences), not any one notice's wording.
    spellings = {s for t in translate_english("Are tolls waived and is my driver's license still valid?")[0]
                 for s in t.spellings}
    assert {"通行费", "免收", "驾驶证"} <= spellings
    spellings = {s for t in translate_english("Can the landlord defer the rent, and who refunds the invoice?")[0]
                 for s in t.spellings}
    assert {"租金", "缓缴", "发票", "退还"} <= spellings
