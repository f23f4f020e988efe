"""Typed errors whose messages tell the user what to do; the CLI and UI show only the message."""


class AssistantError(Exception):
    """Base class: anything the user can act on."""


class UnreadableFileError(AssistantError):
    """A corpus file could not be read or decoded."""


class IndexMissingError(AssistantError):
    """No index has been built yet at the given folder."""


class IndexCorruptError(AssistantError):
    """Index files are missing, truncated or inconsistent."""


class IndexWriteError(AssistantError):
    """A new index version could not be written (disk full, permissions); the live one is untouched."""


class IndexModelMismatchError(AssistantError):
    """The index was built with a different embedding model than the one configured."""


class ModelLoadError(AssistantError):
    """The embedding model could not be found or loaded."""


class IngestBusyError(AssistantError):
    """Another ingest holds the index lock."""


class QueryError(AssistantError):
    """The question cannot be processed (empty, too long, ...)."""


class StoreUnavailableError(AssistantError):
    """The configured store (a Milvus server or Milvus Lite file) cannot be reached or opened."""


class IndexChangedError(AssistantError):
    """A newer index build went live and the one this process loaded is gone; the question can be asked again."""
