"""Notices, clauses and answers as JSON records: one shape for the CLI's --json, the UI's API and other systems.

    answer_record(assistant.ask(question))  # {"answer", "abstained", "citations": [...]}
"""
from __future__ import annotations

from assistant.models import Answer, Chunk, Citation, Notice


def notice_record(notice: Notice, n_chunks: int) -> dict:
    return {
        "id": notice.id,
        "title": notice.title,
        "doc_number": notice.doc_number,
        "doc_number_normalized": notice.doc_number_norm,
        "issuer": notice.issuer,
        "date": notice.date,
        "date_inferred": notice.date_inferred,
        "jurisdiction": notice.jurisdiction,
        "level": notice.level,
        "doc_type": notice.doc_type,
        "public": notice.public,
        "ocr": notice.ocr,
        "file": notice.file,
        "line_start": notice.line_start,
        "line_end": notice.line_end,
        "n_chunks": n_chunks,
    }


def chunk_record(chunk: Chunk) -> dict:
    return {
        "id": chunk.id,
        "notice_id": chunk.notice_id,
        "notice_title": chunk.notice_title,
        "clause_path": chunk.clause_path_text,
        "kind": chunk.kind,
        "text": chunk.text,
        "lead_departments": chunk.lead_departments,
        "support_departments": chunk.support_departments,
        "jurisdiction": chunk.jurisdiction,
        "year": chunk.year,
        "file": chunk.file,
        "line_start": chunk.line_start,
        "line_end": chunk.line_end,
    }


def citation_record(citation: Citation) -> dict:
    notice = citation.notice
    return {
        "marker": citation.marker,
        "notice_title": citation.chunk.notice_title,
        "doc_number": notice.doc_number if notice else "",
        "issuer": notice.issuer if notice else "",
        "date": notice.date if notice else "",
        "ocr": notice.ocr if notice else False,  # the text was read by OCR: check the original
        "gazette_issue": notice.gazette_issue if notice else "",  # the gazette issue it appeared in, if any
        "jurisdiction": citation.chunk.jurisdiction,
        "clause_path": citation.chunk.clause_path_text,
        "text": citation.chunk.text,
        "score": round(citation.score, 6),
        "quotes": citation.quotes,
        "chunk_id": citation.chunk.id,
    }


def answer_record(answer: Answer) -> dict:
    """The answer as JSON: {"answer", "abstained", "citations": [...]} plus how it was made."""
    return {
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [citation_record(c) for c in answer.citations],
        "mode": answer.mode,
        "note": answer.note,
        "confidence": None if answer.confidence is None else round(answer.confidence, 3),
    }
