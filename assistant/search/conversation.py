"""Follow-up questions: "那淄川区呢？" after a 张店 question becomes a standalone question.

Pure rules over parsed queries; an LLM is not needed (and its rewrite could not be checked).
"""
from __future__ import annotations

import re

from assistant.govdocs.places import gazetteer
from .query import Query, parse_query

_LEAD = re.compile(r"^(?:那么|那|还有|另外|再问一下|再问|and|what about|how about)\s*", re.I)
_TAIL = re.compile(r"(?:呢|的呢|怎么样|如何|情况)?\s*[?？。.!！]*\s*$")
# What a bare follow-up asks when it only adds a place or year: the previous question's ask.
_ASK_BY_KIND = {"figure": "是多少？", "who": "由谁负责？", "when": "什么时候完成？", "list": "有哪些？"}


def is_follow_up(question: str, query: Query) -> bool:
    """A question that leans on the previous one: starts with 那/what about, or names no topic at all."""
    return bool(_LEAD.match(question.strip())) or not query.terms


def rewrite_follow_up(question: str, previous: str | None, tokenize=None) -> str:
    """The follow-up as a standalone question, or the question unchanged when it stands alone."""
    question = question.strip()
    if not previous:
        return question
    now = parse_query(question, tokenize)
    if not is_follow_up(question, now):
        return question
    before = parse_query(previous, tokenize)
    rest = _remainder(question, now)
    if not rest:
        # "那淄川区呢？", "2022年呢？": the previous question with its place/year swapped.
        text = previous
        if now.jurisdictions:
            text = _swap_places(text, before.jurisdictions, now.jurisdictions, english=before.lang == "en")
        if now.years:
            text = _swap_years(text, before.years, now.years)
        return text
    has_topic = bool(parse_query(rest, tokenize).terms)
    if before.lang == "en" or now.lang == "en":
        # English word order does not allow splicing: keep the earlier question beside the new one.
        return f"{rest.rstrip('?？ ')}? (about: {previous})" if not has_topic else question
    # "那谁牵头？", "那新能源汽车呢？": keep the previous place, year and (when none is given) topic.
    places = now.jurisdictions or before.jurisdictions
    years = now.years or before.years
    topic = "" if has_topic else "".join(t.source for t in before.terms)
    lead = "".join(places) + "".join(f"{y}年" for y in years)
    text = lead + topic + rest
    if not re.search(r"[?？]$", text):
        text += _ASK_BY_KIND.get(before.kind, "？") if has_topic and not _asks_something(rest) else "？"
    return text


def _remainder(question: str, query: Query) -> str:
    """The follow-up without its lead word, the places and years it names, and a trailing 呢/?"""
    text = _LEAD.sub("", question)
    for name in query.jurisdictions:
        for spelling in _spellings(name):
            text = re.sub(re.escape(spelling), "", text, flags=re.I)
    for year in query.years:
        text = re.sub(rf"{year}\s*年?", "", text)
    text = _TAIL.sub("", text).strip(" ，,的'’s")
    return text


def _asks_something(text: str) -> bool:
    return bool(re.search(r"多少|几|谁|哪|什么|何时|吗|怎么|如何|是否|who|what|when|which|how", text, re.I))


def _spellings(name: str) -> list[str]:
    place = gazetteer().get(name)
    forms = [name] + ([place.short] if place and place.short else []) + (list(place.english) if place else [])
    return sorted(set(forms), key=len, reverse=True)  # longest first: 张店区 before 张店


def _swap_places(text: str, old: list[str], new: list[str], english: bool) -> str:
    replacement = _display_name(new[0], english) if len(new) == 1 else "、".join(new)
    swapped = False
    for name in old:
        for spelling in _spellings(name):
            pattern = re.compile(re.escape(spelling), re.I)
            if pattern.search(text):
                text = pattern.sub(replacement, text, count=1) if not swapped else pattern.sub("", text)
                swapped = True
    return text if swapped else replacement + text


def _display_name(name: str, english: bool) -> str:
    place = gazetteer().get(name)
    if english and place and place.english:
        return min(place.english, key=len).title()
    return name


def _swap_years(text: str, old: list[int], new: list[int]) -> str:
    if not old:
        return f"{new[0]}年" + text
    for year in old:
        text = text.replace(str(year), str(new[0]), 1)
    return text
