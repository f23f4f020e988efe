"""Read and parse one corpus file in a child process with limits, so no file can stop or starve an ingest.

A file is parsed by `read_document` + `chunk_document` in a separate Python process that has a memory ceiling
(RLIMIT_AS) and is killed when one file takes longer than the time limit. Whatever goes wrong with one file
(a parser bug, a zip bomb, a pathological line, a crash) becomes an `UnreadableFileError` with a reason for that
file; the ingest goes on with the next one.

    with FileParser(settings) as parser:
        parsed = parser.parse(corpus / "a.txt", "a.txt")   # ParsedFile, or UnreadableFileError
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import REPO_ROOT, Settings
from assistant.errors import UnreadableFileError
from assistant.models import Chunk, Notice
from .chunking import chunk_document, split_at_breaks
from .readers import PageReport, read_document_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParseLimits:
    """What one file may cost. Defaults come from Settings (see config.py for how they were chosen)."""

    max_file_mb: float = 50.0
    max_chars: int = 2_000_000  # characters of text per file
    max_line_chars: int = 100_000  # a longer line is cut (at a sentence end or space where possible)
    timeout_s: float = 120.0  # wall time to read and parse one file (OCR: each page has ocr_page_timeout_s)
    memory_mb: int = 1536  # address-space ceiling of the parsing process
    ocr_page_timeout_s: float = 60.0  # wall time to OCR one page
    ocr_memory_mb: int = 3072  # the ceiling while OCR runs (onnxruntime reserves ~2.5 GB of address space)
    max_chunk_chars: int = 360
    overlap_sentences: int = 1

    @classmethod
    def from_settings(cls, settings: Settings) -> "ParseLimits":
        return cls(max_file_mb=settings.max_file_mb, max_chars=settings.max_file_chars,
                   max_line_chars=settings.max_line_chars, timeout_s=settings.parse_timeout_s,
                   memory_mb=settings.parse_memory_mb, max_chunk_chars=settings.max_chunk_chars,
                   overlap_sentences=settings.chunk_overlap_sentences, ocr_page_timeout_s=settings.ocr_page_timeout_s,
                   ocr_memory_mb=max(settings.parse_memory_mb, settings.ocr_memory_mb))


@dataclass
class ParsedFile:
    notices: list[Notice] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    n_chars: int = 0


@dataclass
class _Crash:
    """An unexpected exception in the child: a parser bug, reported as one line and logged with its traceback."""

    kind: str
    message: str
    traceback: str


# Where a long line is cut: after a sentence end or any space, whichever comes last in the second half.
LINE_BREAKS = ("。！？；!?; \t\r\f\v\u3000\u00a0",)


def cut_long_lines(text: str, max_line_chars: int) -> str:
    """Lines longer than `max_line_chars` cut into pieces, at the last sentence end or space in each piece
    when there is one (a one-line document of 30 MB must not become one 30-MB line to every later step).

    >>> cut_long_lines("甲乙。丙丁戊", 4)
    '甲乙。\\n丙丁戊'
    """
    if max_line_chars <= 0 or all(len(line) <= max_line_chars for line in text.split("\n")):
        return text
    return "\n".join(piece for line in text.split("\n")
                     for piece in split_at_breaks(line, max_line_chars, LINE_BREAKS))


@dataclass(frozen=True)
class PageStarted:
    """Sent by the child before it reads a page by OCR: the parent restarts that page's clock."""

    page: int
    pages: int


def parse_file(path: Path, rel: str, limits: ParseLimits, on_page: PageReport | None = None) -> ParsedFile:
    """Read and parse one file in this process (the child calls this); UnreadableFileError on a bad file."""
    read = read_document_text(path, limits.max_file_mb, on_page)
    text = read.text
    if len(text) > limits.max_chars:
        raise UnreadableFileError(
            f"{path.name}：文件过长（约 {len(text) / 10000:.0f} 万字，上限 {limits.max_chars / 10000:.0f} 万字），"
            "未入库；请拆分后再添加，或调大 ASSISTANT_MAX_FILE_CHARS")
    text = cut_long_lines(text, limits.max_line_chars)
    notices, chunks = chunk_document(text, rel, limits.max_chunk_chars, limits.overlap_sentences)
    if not chunks:
        raise UnreadableFileError(f"{path.name}：没有可提取的文字内容")
    for notice in notices:
        notice.ocr = read.ocr
    return ParsedFile(notices, chunks, len(text))


def serve(read_fd: int, write_fd: int, memory_mb: int, ocr_memory_mb: int = 0) -> None:
    """The child's loop: parse each (path, rel, limits) it is sent, answer with a ParsedFile or an error
    (PageStarted messages come before, while a scan is read page by page)."""
    import resource
    import traceback
    from multiprocessing.connection import Connection

    requests = Connection(read_fd, writable=False)
    replies = Connection(write_fd, readable=False)
    ceiling = memory_mb * 1024 * 1024
    if memory_mb > 0:
        # The hard limit is OCR's: only a page read by OCR raises the soft ceiling up to it.
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, max(ceiling, ocr_memory_mb * 1024 * 1024)))

    def page_started(page: int, pages: int) -> None:
        if memory_mb > 0:
            resource.setrlimit(resource.RLIMIT_AS, (resource.getrlimit(resource.RLIMIT_AS)[1],) * 2)
        replies.send(PageStarted(page, pages))
    while True:
        try:
            request = requests.recv()
        except EOFError:
            return
        if request is None:
            return
        path, rel, limits = request
        try:
            reply = parse_file(Path(path), rel, limits, page_started)
        except UnreadableFileError as exc:
            reply = exc
        except MemoryError:
            reply = UnreadableFileError(f"{Path(path).name}：解析时超出内存上限（{memory_mb} MB），未入库")
        except Exception as exc:  # a parser bug: this file fails, the ingest goes on
            reply = _Crash(type(exc).__name__, str(exc)[:200], traceback.format_exc())
        try:
            replies.send(reply)
        except MemoryError:
            replies.send(UnreadableFileError(f"{Path(path).name}：解析结果超出内存上限，未入库"))


class FileParser:
    """Parses files one at a time in a child process, restarting it after a timeout or a crash.

    The child is a fresh interpreter started with subprocess (not multiprocessing, which would re-import the
    caller's __main__): it loads only the readers and parsers, never the model, and shares nothing else."""

    def __init__(self, settings: Settings | None = None, limits: ParseLimits | None = None):
        self.limits = limits or ParseLimits.from_settings(settings or Settings())
        self._process: subprocess.Popen | None = None
        self._requests = self._replies = None

    def __enter__(self) -> "FileParser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> None:
        from multiprocessing.connection import Connection

        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        code = (f"from assistant.ingest.sandbox import serve; "
                f"serve({to_child_r}, {from_child_w}, {self.limits.memory_mb}, {self.limits.ocr_memory_mb})")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])}
        try:
            self._process = subprocess.Popen([sys.executable, "-c", code], pass_fds=(to_child_r, from_child_w),
                                             stdin=subprocess.DEVNULL, env=env, cwd=REPO_ROOT)
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self._requests = Connection(to_child_w, readable=False)
        self._replies = Connection(from_child_r, writable=False)

    def _stop(self, kill: bool = False) -> None:
        if self._process is None:
            return
        if not kill:
            try:
                self._requests.send(None)
            except OSError:
                kill = True
        if kill:
            self._process.kill()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=5)
        self._requests.close()
        self._replies.close()
        self._process = self._requests = self._replies = None

    def close(self) -> None:
        self._stop()

    def parse(self, path: Path, rel: str, on_page: PageReport | None = None) -> ParsedFile:
        """The parsed file, or UnreadableFileError saying why it was not read (timeout, memory, a parser bug).

        on_page(page, pages) is told before each page read by OCR (for a progress bar)."""
        if self._process is None or self._process.poll() is not None:
            self._stop(kill=True)
            self._start()
        page = None
        try:
            self._requests.send((str(path), rel, self.limits))
            while True:
                # A file has timeout_s; once it reads pages by OCR, each page has ocr_page_timeout_s.
                ready = self._replies.poll(self.limits.timeout_s if page is None else self.limits.ocr_page_timeout_s)
                reply = self._replies.recv() if ready else None
                if not isinstance(reply, PageStarted):
                    break
                page = reply
                if on_page:
                    on_page(page.page, page.pages)
        except (EOFError, OSError):
            self._stop(kill=True)
            raise UnreadableFileError(f"{path.name}：解析进程意外退出（文件可能损坏或过于复杂），未入库") from None
        if not ready:
            self._stop(kill=True)
            if page is not None:
                raise UnreadableFileError(
                    f"{path.name}：第 {page.page} 页（共 {page.pages} 页）文字识别超时（超过 "
                    f"{self.limits.ocr_page_timeout_s:g} 秒），未入库；图片可能过大或过于复杂")
            raise UnreadableFileError(
                f"{path.name}：解析超时（超过 {self.limits.timeout_s:g} 秒），未入库；文件可能过大或结构异常")
        if page is not None:
            self._stop()  # the OCR models stay loaded in the child: a fresh one parses the next file in its ceiling
        if isinstance(reply, UnreadableFileError):
            raise reply
        if isinstance(reply, _Crash):
            log.error("parsing %s failed with a program error:\n%s", rel, reply.traceback)
            raise UnreadableFileError(f"{path.name}：解析出错（{reply.kind}: {reply.message}），未入库；"
                                      "其他文件不受影响，请把该文件反馈给管理员")
        return reply
