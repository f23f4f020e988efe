"""The sentences of a clause, as answers quote them and as ingest embeds them (one definition for both)."""
from __future__ import annotations

import re

from assistant.govdocs.cleaning import clean_text
from assistant.models import Chunk

_SENTENCE_END = re.compile(r"(?<=[。！？；;!?])|\n")
# A duty stated without its subject (负责…, 配合…): it goes on from a sentence naming the department.
DUTY_WITHOUT_SUBJECT = re.compile(r"^(?:负责|承担|参与|配合|指导|组织|协调|督促|做好|牵头|会同|协助|加强)")


def clause_sentences(chunk: Chunk) -> list[str]:
    """Sentences of a clause (cleaned); a table row splits into its labelled cells.

    Each sentence keeps its end mark: "甲。乙；" → ["甲。", "乙；"] (examples in tests/test_answering.py).
    """
    if chunk.kind == "table_row":
        parts = [re.sub(r"\s+", " ", p).strip() for p in chunk.text.split("｜")]
    else:
        parts = [p.strip() for p in _SENTENCE_END.split(clean_text(chunk.text))]
    return [p for p in parts if p and not re.fullmatch(r"[\W\d]*", p)]
