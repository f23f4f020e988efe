"""Files added from the web UI: checked before anything is written, saved into the corpus under a safe name."""
from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import UnreadableFileError, os_error_reason
from .readers import SUPPORTED_SUFFIXES, read_document


@dataclass
class UploadResult:
    name: str  # the name the user gave
    saved_as: str = ""  # path relative to the corpus folder, "" when rejected
    reason: str = ""  # why it was rejected, in words a user can act on


def safe_name(name: str) -> str:
    """The file's own name only: no folders, no ../, no leading dots or control characters."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    return base


def inside_folder(path: Path, folder: Path) -> bool:
    """True when `path` is a regular file that really lies inside `folder` (no symlink, no ../ escape)."""
    try:
        return (not path.is_symlink()) and path.is_file() and path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def save_upload(source: Path, name: str, corpus_dir: Path, max_mb: float,
                check: Callable[[Path, str], object] | None = None) -> UploadResult:
    """Check one uploaded file (type, size, readable text) and copy it into the corpus; never overwrite.

    `check(probe_path, name)` reads the file and raises UnreadableFileError when it cannot be indexed (the
    ingest's sandboxed FileParser.parse, so an upload meets the same limits as a file in the corpus)."""
    result = UploadResult(name)
    clean = safe_name(name)
    if re.search(r"[\\/]", name):
        result.reason = "文件名含有路径（如 ../），已拒绝；请只上传文件本身"
        return result
    suffix = Path(clean).suffix.lower()
    if not clean or suffix not in SUPPORTED_SUFFIXES:
        result.reason = f"不支持的文件类型“{suffix or '无扩展名'}”；支持 {'、'.join(sorted(SUPPORTED_SUFFIXES))}"
        return result
    size_mb = source.stat().st_size / 1e6
    if size_mb > max_mb:
        result.reason = f"文件太大（{size_mb:.1f} MB，上限 {max_mb:g} MB）；请拆分后上传"
        return result
    # Read it under its real suffix before it reaches the corpus: a bad file never enters the index folder.
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / f"probe{suffix}"
        shutil.copyfile(source, probe)
        try:
            (check or _read_only_check(max_mb))(probe, clean)
        except UnreadableFileError as exc:
            result.reason = "无法读取：" + str(exc).replace(probe.name, clean)
            return result
    target = _free_path(corpus_dir / clean, source)
    if target is None:
        result.saved_as = clean
        result.reason = "与已有文件内容相同，未重复保存"
        return result
    partial = target.with_name(f".{target.name}.part")  # hidden: an ingest skips it
    try:
        corpus_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, partial)
        partial.replace(target)  # atomic: ingest never sees half a file
    except OSError as exc:  # a full disk or a read-only corpus folder: say so, leave nothing behind
        partial.unlink(missing_ok=True)
        result.reason = f"无法保存到文件库（{os_error_reason(exc)}），文件未保存；请联系管理员"
        return result
    result.saved_as = target.relative_to(corpus_dir).as_posix()
    return result


def _read_only_check(max_mb: float) -> Callable[[Path, str], object]:
    return lambda path, name: read_document(path, max_mb)


def _free_path(wanted: Path, source: Path) -> Path | None:
    """`wanted`, or name-2.ext, name-3.ext… when taken by another file; None when the same content is there."""
    candidate, n = wanted, 1
    while candidate.exists():
        if candidate.read_bytes() == source.read_bytes():
            return None
        n += 1
        candidate = wanted.with_name(f"{wanted.stem}-{n}{wanted.suffix}")
    return candidate


def private_folder(prefix: str = "assistant-ui-") -> Path:
    """A new folder only this user can open (mode 0700), removed when the process exits.

    The UI keeps uploads in progress and generated replies here instead of a shared /tmp/gradio that every
    other Gradio app on the host can read."""
    import atexit

    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def sweep_old_files(folder: Path, max_age_s: float) -> int:
    """Delete entries of `folder` older than `max_age_s` seconds (generated files are not kept); returns how many."""
    import time

    removed = 0
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        return 0
    cutoff = time.time() - max_age_s
    for entry in folder.iterdir():
        try:
            if entry.lstat().st_mtime < cutoff:
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
                removed += 1
        except OSError:
            continue
    return removed
