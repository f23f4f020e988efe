"""From a file's text to notices and chunks: clean → split notices → clause tree → chunks."""
from __future__ import annotations

import re

from assistant.govdocs.clauses import parse_clauses
from assistant.govdocs.cleaning import clean_text, drop_noise, join_broken_lines, split_lines, to_simplified
from assistant.models import Chunk, Clause, Notice
from assistant.govdocs.notices import gazette_issue, read_metadata, split_notices
from assistant.govdocs.injection import tainted_spans, without_instructions
from assistant.govdocs.sentences import DUTY_WITHOUT_SUBJECT

# Surrogate code points (a lenient decoder's lone halves) cannot be encoded as UTF-8: not converted,
# stored or embedded. They become U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")
_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]+[”’」』）)]*|[^。！？；!?;]+$", re.S)
# A sentence (or table row) up to this many times max_chars stays whole; a longer one — a text without
# stops, a list of names — is cut into pieces of at most max_chars, else one chunk could be megabytes.
LONG_FACTOR = 2
# Where to cut such a sentence, best first: a line break, a space, a comma or colon.
_BREAKS = ("\n", " \t\u3000\u00a0", "，、：:,")


def parse_document(text: str, file: str) -> list[tuple[Notice, list[Clause]]]:
    """Notices of one file, each with its clauses."""
    text = _SURROGATE.sub("\ufffd", text)
    lines = drop_noise(split_lines(text))
    paragraphs = join_broken_lines(lines)
    parsed = []
    issue = gazette_issue(text)  # the cover is dropped as noise above: read first
    for number, (start, end) in enumerate(split_notices(paragraphs), start=1):
        part = paragraphs[start:end]
        notice = read_metadata(part, file)
        notice.id = f"{file}#{number}"  # the relative path: a.txt and sub/a.txt or a.md are different files
        notice.gazette_issue = issue
        parsed.append((notice, parse_clauses(part, notice.title)))
    return parsed


def split_sentences(raw: str) -> list[str]:
    """Sentences of the original text, each keeping its closing punctuation."""
    return [s for s in _SENTENCE.findall(raw) if s.strip()]


def cut_long(sentence: str, max_chars: int) -> list[str]:
    """A sentence longer than LONG_FACTOR * max_chars (cleaned length) in pieces of at most max_chars
    characters, cut after a line break, space or comma in the second half of a piece when there is one.
    Cleaning never lengthens text, so a piece's cleaned length is at most max_chars too."""
    limit = LONG_FACTOR * max_chars
    if len(sentence) <= limit or len(clean_text(sentence)) <= limit:
        return [sentence]
    return split_at_breaks(sentence, max(max_chars, 1))


def split_at_breaks(text: str, size: int, breaks: tuple[str, ...] = _BREAKS) -> list[str]:
    """`text` in pieces of at most `size` characters. Each piece ends after the last mark of the first tier of
    `breaks` that occurs in its second half, or at `size` when none does.

    >>> split_at_breaks("甲乙，丙丁戊", 4)
    ['甲乙，', '丙丁戊']
    """
    pieces, start = [], 0
    while len(text) - start > size:
        end = start + size
        for marks in breaks:
            cut = max(text.rfind(mark, start + size // 2, end) for mark in marks)
            if cut >= 0:
                end = cut + 1
                break
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def windows(raw: str, max_chars: int, overlap: int) -> list[str]:
    """Pieces of at most about max_chars (cleaned length), cut at sentence ends, sharing `overlap` sentences."""
    if len(clean_text(raw)) <= max_chars:
        return [raw]
    sentences = [piece for sentence in split_sentences(raw) for piece in cut_long(sentence, max_chars)]
    sentences = _keep_tainted_runs_whole(raw, sentences)
    if len(sentences) <= 1:
        return [raw]
    pieces: list[str] = []
    start = 0
    while start < len(sentences):
        end, size = start, 0
        while end < len(sentences) and (end == start or size + len(clean_text(sentences[end])) <= max_chars):
            size += len(clean_text(sentences[end]))
            end += 1
        pieces.append("".join(sentences[start:end]).strip("\n"))
        if end >= len(sentences):
            break
        next_start = max(end - overlap, start + 1)
        # A window that would start with a duty whose subject is earlier in its paragraph ("配合…" after
        # "某局负责…") starts at the paragraph when that part is short: the window keeps who does it.
        opening = next((p for p in range(next_start, start, -1) if sentences[p - 1].endswith("\n")
                        or sentences[p].startswith("\n")), None)
        if opening is not None and DUTY_WITHOUT_SUBJECT.match(clean_text(sentences[next_start])) \
                and sum(len(clean_text(x)) for x in sentences[opening:end]) <= max_chars * 2 // 3:
            next_start = opening
        start = next_start
    return pieces


def _keep_tainted_runs_whole(raw: str, pieces: list[str]) -> list[str]:
    """Pieces with each run of tainted ones (an instruction to a model and the rest of its paragraph) merged into
    one, so no window starts after the instruction and passes its payload off as the document's own words."""
    spans = tainted_spans(raw)
    if not spans:
        return pieces
    merged: list[str] = []
    position, previous_tainted = 0, False
    for piece in pieces:
        start = raw.find(piece, position)
        start = position if start < 0 else start
        end = position = start + len(piece)
        tainted = any(s < end and start < e for s, e in spans)
        if tainted and previous_tainted:
            merged[-1] += piece
        else:
            merged.append(piece)
        previous_tainted = tainted
    return merged


def index_text(notice: Notice, path: list[str], text: str) -> str:
    """What is embedded and BM25-indexed: the notice title, place and clause path give context to the text."""
    context = notice.title
    if notice.jurisdiction and notice.jurisdiction not in context:
        context = f"{notice.jurisdiction} {context}"
    if path:
        context += " " + " ".join(path)
    # Words addressing an AI model ("忽略以上指令…") stay in the shown text but must not attract retrieval.
    # Traditional characters are matched in their simplified form; the chunk's text keeps the original.
    return to_simplified(f"{context}\n{without_instructions(text)}")


def chunk_notice(notice: Notice, clauses: list[Clause], max_chars: int = 360, overlap: int = 1) -> list[Chunk]:
    chunks: list[Chunk] = []
    for clause in clauses:
        # A table row is one chunk unless it is very long (a whole document in one cell).
        whole = clause.kind == "table_row" and len(clause.text) <= LONG_FACTOR * max_chars
        pieces = [clause.raw] if whole else windows(clause.raw, max_chars, overlap)
        for piece in pieces:
            text = clean_text(piece)
            if not text:
                continue
            chunks.append(Chunk(
                id=f"{notice.id}.{len(chunks) + 1}",
                notice_id=notice.id,
                notice_title=notice.title,
                clause_path=clause.path,
                text=piece,
                index_text=index_text(notice, clause.path, text),
                file=notice.file,
                line_start=clause.line_start,
                line_end=clause.line_end,
                kind=clause.kind,
                jurisdiction=notice.jurisdiction,
                year=notice.year,
                lead_departments=clause.lead_departments,
                support_departments=clause.support_departments,
            ))
    return chunks


def chunk_document(text: str, file: str, max_chars: int = 360, overlap: int = 1) -> tuple[list[Notice], list[Chunk]]:
    notices, chunks = [], []
    for notice, clauses in parse_document(text, file):
        notice_chunks = chunk_notice(notice, clauses, max_chars, overlap)
        notices.append(notice)
        chunks += notice_chunks
    return notices, chunks
