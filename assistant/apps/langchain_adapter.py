"""The assistant's retrieval as a LangChain retriever, for use in chains (eval/baseline.py compares with one).

    retriever = HybridRetriever(searcher=Assistant(settings).searcher, k=3)
    documents = retriever.invoke(question)   # clause text + citation metadata
"""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.models import Filters, Hit
from assistant.search.query import parse_query


class HybridRetriever(BaseRetriever):
    """LangChain face of the Searcher: question in, Documents (clause text + citation metadata) out."""

    searcher: Any
    k: int = 5
    filters: Filters | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        parsed = parse_query(query, self.searcher.index.tokenizer.tokenize)
        result = self.searcher.search(parsed, self.k, self.filters)
        return [hit_document(hit, self.searcher.index.notice_by_id.get(hit.chunk.notice_id)) for hit in result.hits]


def hit_document(hit: Hit, notice) -> Document:
    c = hit.chunk
    return Document(
        page_content=c.text,
        id=c.id,
        metadata={
            "chunk_id": c.id, "notice_id": c.notice_id, "notice_title": c.notice_title,
            "doc_number": notice.doc_number if notice else "", "issuer": notice.issuer if notice else "",
            "date": notice.date if notice else "", "jurisdiction": c.jurisdiction, "year": c.year,
            "clause_path": c.clause_path_text, "kind": c.kind, "score": hit.score, "coverage": hit.coverage,
        },
    )
