"""Typed errors whose messages tell the user what to do; the CLI and UI show only the message."""


class AssistantError(Exception):
    """Base class: anything the user can act on."""


class ConfigError(AssistantError):
    """A setting has a value the assistant does not know (the message lists the allowed ones)."""


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


def os_error_reason(exc: BaseException) -> str:
    """A short Chinese reason for a failed file operation, without the server's paths.

    >>> os_error_reason(OSError(28, "No space left on device", "/srv/index/x"))
    '磁盘空间不足'
    """
    import errno

    reasons = {
        errno.ENOSPC: "磁盘空间不足",
        errno.EDQUOT: "磁盘配额已用完",
        errno.EACCES: "没有写入权限",
        errno.EPERM: "没有写入权限",
        errno.EROFS: "文件夹所在磁盘为只读",
        errno.EFBIG: "文件超过系统允许的大小",
        errno.EIO: "磁盘读写出错",
    }
    code = getattr(exc, "errno", None)
    if code in reasons:
        return reasons[code]
    return getattr(exc, "strerror", None) or type(exc).__name__
