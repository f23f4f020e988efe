"""Retrieval-augmented Q&A over Chinese local-government notices, with citations."""
