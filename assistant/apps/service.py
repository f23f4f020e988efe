"""The live assistant one server process shares between its front-ends (web UI and HTTP API).

It holds the loaded index, follows ingests made by other processes, and adds or removes corpus files with
one ingest at a time. Questions in flight keep the assistant they started with when a new one is swapped in.

    service = Service(Settings())            # loads the index (ingests the corpus first if there is none)
    service.current().ask(question)
    service.add_files([(Path("/tmp/upload-1"), "通知.docx")])
    service.corpus_files()                   # every file of the corpus folder: notices, status, size, ingest time
    service.replace_file("通知.docx", Path("/tmp/upload-2"), "通知.docx", check)   # also remove_file, reingest_file
"""
from __future__ import annotations

import json
import logging
import sqlite3
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from assistant.config import Settings
from assistant.errors import AssistantError, IndexMissingError, os_error_reason
from assistant.ingest.uploads import UploadResult, inside_folder, save_upload
from assistant.models import Notice
from assistant.stores.base import FileRecord

log = logging.getLogger(__name__)

REFRESH_S = 3.0  # how often the service checks whether another process made a newer index live (reads one file)


class DocumentNotFoundError(AssistantError):
    """The named file is not in the corpus folder."""


class CorpusChangeError(AssistantError):
    """Saving, ingesting or removing a corpus file failed; the live index is unchanged."""


@dataclass
class FileOutcome:
    """One file of an add or remove: what became of it, in words a user can act on."""

    name: str  # as the user gave it
    saved_as: str = ""  # path relative to the corpus folder
    status: str = ""  # "indexed", "refused", "exists", "failed", "removed"
    reason: str = ""
    n_notices: int = 0
    n_chunks: int = 0


@dataclass
class CorpusChange:
    outcomes: list[FileOutcome] = field(default_factory=list)
    n_notices: int = 0  # in the live index afterwards
    n_chunks: int = 0


@dataclass
class CorpusEntry:
    """One file of the corpus folder (or of the index, when it has left the folder) as the 管理 page lists it."""

    name: str  # path relative to the corpus folder
    status: str  # "indexed", "kept" (unreadable now, the earlier version answers), "failed", "not_ingested",
    #              "missing" (in the index, no longer in the folder)
    reason: str = ""  # why it failed or was not ingested
    size: int | None = None  # bytes
    titles: list[str] = field(default_factory=list)  # the notices the index holds from it
    ingested_at: float | None = None  # when this content went live (IngestTimes)


def corpus_listing(on_disk: dict[str, int], skipped: dict[str, str], records: list[FileRecord] | None,
                   notices: list[Notice], times: dict[str, float]) -> list[CorpusEntry]:
    """Every file, by name: what is in the folder (supported files with their size; `skipped` ones with the
    reason ingest gives), what the live index recorded of it (None: the store keeps no file records — then a
    file with notices counts as indexed), its notices' titles and its ingest time."""
    titles: dict[str, list[str]] = {}
    for n in notices:
        titles.setdefault(n.file, []).append(n.title)
    by_path = {r.path: r for r in records or []}
    names = set(on_disk) | set(skipped) | set(by_path) | (set(titles) if records is None else set())
    entries = []
    for name in sorted(names):
        entry = CorpusEntry(name, "", size=on_disk.get(name), titles=titles.get(name, []),
                            ingested_at=times.get(name))
        record = by_path.get(name)
        if name in skipped:
            entry.status, entry.reason = "not_ingested", skipped[name]
        elif name not in on_disk:
            entry.status = "missing"
        elif record is not None:
            entry.status, entry.reason = record.status, record.reason
        elif records is None and entry.titles:
            entry.status = "indexed"
        else:
            entry.status = "not_ingested"
        if entry.status == "not_ingested":
            entry.ingested_at = None  # a time of an earlier content would mislead
        entries.append(entry)
    return entries


def index_files(index) -> list[FileRecord] | None:
    """The live index's file records (content hash, status, reason): the local store's index data, or a Milvus
    build's (read with it); None from a store that keeps none."""
    records = getattr(index, "file_records", None)
    return records if records is not None else getattr(getattr(index, "data", None), "files", None)


def index_built_at(index) -> float | None:
    """When the live version was written: the manifest's `created` (local store; index/README.md)."""
    folder = getattr(index, "folder", None)
    if folder is None:
        return None
    try:
        created = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))["created"]
        return time.mktime(time.strptime(created, "%Y-%m-%dT%H:%M:%S"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class IngestTimes:
    """When each file's content first went live, kept beside the index (SQLite): the index records a file's
    hash but not when it was read. A (file, hash) seen in a newly loaded version gets that version's build
    time, so a file ingested before the first server start shows the time of the version it was found in
    (it went live no later than that)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
        self._db.execute("CREATE TABLE IF NOT EXISTS ingested (path TEXT NOT NULL, sha256 TEXT NOT NULL, "
                         "live_since REAL NOT NULL, PRIMARY KEY (path, sha256))")
        self._lock = threading.Lock()

    def note(self, files: list[tuple[str, str]], when: float) -> None:
        """Record (path, content hash) pairs of a live version; pairs seen before keep their first time."""
        with self._lock:
            self._db.executemany("INSERT OR IGNORE INTO ingested VALUES (?,?,?)",
                                 [(path, sha, when) for path, sha in files])

    def of(self, files: list[tuple[str, str]]) -> dict[str, float]:
        """path → when that content went live, for the given (path, hash) pairs."""
        wanted = set(files)
        with self._lock:
            rows = self._db.execute("SELECT path, sha256, live_since FROM ingested").fetchall()
        return {path: when for path, sha, when in rows if (path, sha) in wanted}

    def close(self) -> None:
        with self._lock:
            self._db.close()


def live_file_keys(index) -> list[tuple[str, str]]:
    """(path, content hash) of every file the live index recorded; without records, of every file that
    has notices (hash "")."""
    records = index_files(index)
    if records is not None:
        return [(r.path, r.sha256) for r in records]
    return sorted({(n.file, "") for n in index.notices})


def index_version(index) -> str:
    """The live version's name: its folder (local store) or its collection (Milvus)."""
    folder = getattr(index, "folder", None)
    return folder.name if folder is not None else str(getattr(index, "collection", ""))


class Service:
    """The loaded assistant, reloaded when a newer index goes live; adds and removes corpus files."""

    def __init__(self, settings: Settings, uploads_allowed: bool = True, embedder=None):
        from assistant.pipeline import Assistant

        self.settings = settings
        self.uploads_allowed = uploads_allowed  # whether the web UI may change the corpus (see ui.main)
        self.ingest_lock = threading.Lock()
        self._checked = time.monotonic()
        self._answers: OrderedDict[tuple, object] = OrderedDict()  # (assistant, question, k, filters) → Answer
        self._answers_lock = threading.Lock()
        try:
            self.assistant = Assistant(settings, embedder=embedder)
        except IndexMissingError:
            self.ingest_corpus()
            self.assistant = Assistant(settings, embedder=embedder)
        self.assistant.warm_up()
        self._note_ingest_times(self.assistant.index)

    @cached_property
    def ingest_times(self) -> IngestTimes:
        return IngestTimes(Path(self.settings.index_dir) / "ingest-times.sqlite")

    def _note_ingest_times(self, index) -> None:
        try:
            self.ingest_times.note(live_file_keys(index), index_built_at(index) or time.time())
        except (sqlite3.Error, OSError) as exc:  # the times are a convenience: never stop serving for them
            log.warning("ingest times not recorded: %s", exc)

    @cached_property
    def conversations(self):
        """Conversations of the UI's users and the API's callers: SQLite beside the index (index/README.md)."""
        from .conversations import ConversationStore

        return ConversationStore(Path(self.settings.index_dir) / "conversations.sqlite")

    def ingest_corpus(self, progress: bool = True):
        from assistant.ingest.build import ingest

        embedder = getattr(getattr(self, "assistant", None), "embedder", None)
        return ingest(self.settings, progress=progress,
                      embedder_factory=(lambda s: embedder) if embedder else None)

    def current(self):
        """The assistant to answer with, reloaded first when another process's ingest has made a newer index
        live (checked at most every REFRESH_S seconds; questions in flight keep the assistant they started with)."""
        now = time.monotonic()
        if now - self._checked >= REFRESH_S:
            self._checked = now
            # While this process ingests, questions go on with the index they have: the ingest swaps in its own.
            if not self.assistant.index.is_current() and self.ingest_lock.acquire(blocking=False):
                try:
                    if not self.assistant.index.is_current():
                        log.info("a newer index is live; reloading")
                        self.reload()
                finally:
                    self.ingest_lock.release()
        return self.assistant

    def answer(self, question: str, k: int, filters=None):
        """The answer from the live assistant; an extractive one asked before of the same index is reused."""
        assistant = self.current()
        if assistant.llm is not None or self.settings.answer_cache <= 0:  # LLM answers are never reused
            return assistant.ask(question, k=k, filters=filters)
        key = (id(assistant), question, k, repr(filters))
        with self._answers_lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
                return found
        answer = assistant.ask(question, k=k, filters=filters)
        with self._answers_lock:
            if self._answers and next(iter(self._answers))[0] != id(assistant):
                self._answers.clear()  # answers of an index that has been replaced
            self._answers[key] = answer
            while len(self._answers) > self.settings.answer_cache:
                self._answers.popitem(last=False)
        return answer

    def answer_stream(self, question: str, k: int, filters=None):
        """As Assistant.ask_stream (an LLM's words as they come); extractive answers through answer()."""
        assistant = self.current()
        if assistant.llm is not None:
            return assistant.ask_stream(question, k=k, filters=filters)
        return iter([self.answer(question, k, filters)])

    def reload(self) -> None:
        from assistant.pipeline import Assistant

        old = self.assistant
        fresh = Assistant(self.settings, embedder=old.embedder, llm=old.llm)
        fresh.warm_up()  # before it is swapped in: questions meanwhile are answered by the old one
        self.assistant = fresh
        self._note_ingest_times(fresh.index)

    def health(self) -> dict:
        a = self.assistant
        return {"status": "ok", "index_version": index_version(a.index), "notices": len(a.index.notices),
                "chunks": len(a.index.chunks), "store": self.settings.store.value,
                "model": self.settings.model_id, "llm": a.llm.label if a.llm else None}

    # --- changing the corpus ----------------------------------------------------------------------

    def ingest_and_reload(self, progress: bool = False):
        """Ingest the corpus as it now is and swap the new index in (the caller holds ingest_lock)."""
        try:
            report = self.ingest_corpus(progress=progress)
        except AssistantError as exc:
            raise CorpusChangeError(f"入库失败，原有索引未受影响：{exc}") from None
        self.reload()
        return report

    def add_files(self, files: list[tuple[Path, str]], check, only_from: Path | None = None,
                  progress: bool = False) -> CorpusChange:
        """save_files then ingest_saved: each file checked, saved under a free name, all ingested in one run."""
        refused, saved = self.save_files(files, check, only_from)
        change = self.ingest_saved(saved, progress)
        change.outcomes[:0] = refused
        return change

    def save_files(self, files: list[tuple[Path, str]], check,
                   only_from: Path | None = None) -> tuple[list[FileOutcome], list[UploadResult]]:
        """Each (temporary path, name the user gave) checked by `check` (the sandboxed parser) and saved into the
        corpus under a free name. only_from: refuse paths outside this folder. → (refused outcomes, saved)."""
        refused: list[FileOutcome] = []
        saved: list[UploadResult] = []
        for path, name in files:
            if only_from is not None and not inside_folder(path, only_from):
                log.warning("upload refused: a path outside the upload folder was sent")
                refused.append(FileOutcome(name, "", "refused", "只接受从本机上传的文件内容，已拒绝"))
                continue
            try:
                r = save_upload(path, name, self.settings.corpus_dir, self.settings.max_file_mb, check=check)
            except OSError as exc:
                r = UploadResult(name, reason=f"无法处理（{os_error_reason(exc)}）")
            if r.reason:
                refused.append(FileOutcome(r.name, r.saved_as, "exists" if r.saved_as else "refused", r.reason))
            else:
                saved.append(r)
        return refused, saved

    def ingest_saved(self, saved: list[UploadResult], progress: bool = False) -> CorpusChange:
        """Ingest the corpus with the newly saved files and swap the index in; if the run fails, the saved
        files are removed again (nothing half-done) and CorpusChangeError says why."""
        change = CorpusChange()
        if saved:
            with self.ingest_lock:
                try:
                    report = self.ingest_and_reload(progress)
                except CorpusChangeError:
                    for r in saved:
                        (Path(self.settings.corpus_dir) / r.saved_as).unlink(missing_ok=True)
                    raise
            by_file = {f.file: f for f in report.reports}
            for r in saved:
                f = by_file.get(r.saved_as)
                if f and f.status == "indexed":
                    change.outcomes.append(FileOutcome(r.name, r.saved_as, "indexed", "", f.n_notices, f.n_chunks))
                else:
                    change.outcomes.append(FileOutcome(r.name, r.saved_as, "failed", f.reason if f else "未入库"))
        change.n_notices, change.n_chunks = len(self.assistant.index.notices), len(self.assistant.index.chunks)
        return change

    def corpus_file(self, name: str) -> Path:
        """The corpus file `name` (a path relative to the corpus folder, as notices record it)."""
        corpus = Path(self.settings.corpus_dir)
        path = corpus / name
        if not name or "\x00" in name or not inside_folder(path, corpus):
            raise DocumentNotFoundError(f"文件库中没有“{name}”这个文件（请用文件列表中的 file 字段）")
        return path

    def remove_file(self, name: str) -> CorpusChange:
        """Delete one corpus file and ingest without it; if the ingest fails the file is put back."""
        path = self.corpus_file(name)
        with self.ingest_lock:
            content = path.read_bytes()
            path.unlink()
            try:
                self.ingest_and_reload()
            except CorpusChangeError:
                path.write_bytes(content)
                raise
        return CorpusChange([FileOutcome(name, name, "removed")], len(self.assistant.index.notices),
                            len(self.assistant.index.chunks))


    # --- the corpus folder, file by file (the 管理 page) -----------------------------------------------

    def corpus_files(self) -> list[CorpusEntry]:
        """Every file of the corpus folder and of the live index, with its notices, status, size, ingest time."""
        from assistant.ingest.build import scan_corpus

        corpus = Path(self.settings.corpus_dir)
        index = self.assistant.index
        try:
            found, skipped_reports = scan_corpus(corpus)
        except AssistantError:  # no corpus folder (yet): the index alone
            found, skipped_reports = [], []
        on_disk = {}
        for path in found + [corpus / r.file for r in skipped_reports]:
            try:
                on_disk[path.relative_to(corpus).as_posix()] = path.lstat().st_size
            except OSError:
                continue
        skipped = {r.file: r.reason for r in skipped_reports}
        try:
            times = self.ingest_times.of(live_file_keys(index))
        except (sqlite3.Error, OSError):
            times = {}
        return corpus_listing(on_disk, skipped, index_files(index), index.notices, times)

    def listed_file(self, name: str) -> Path:
        """A regular file of the corpus folder that the 管理 page lists (no hidden or half-written file, no
        link, nothing outside the folder), else DocumentNotFoundError."""
        corpus = Path(self.settings.corpus_dir)
        path = corpus / (name or "")
        hidden = any(part.startswith(".") for part in Path(name or "").parts)
        if not name or "\x00" in name or hidden or not inside_folder(path, corpus):
            raise DocumentNotFoundError(f"文件库中没有“{name}”这个文件（可能已被删除，请刷新列表）")
        return path

    def replace_file(self, name: str, source: Path, upload_name: str, check,
                     only_from: Path | None = None) -> CorpusChange:
        """Put a new version of the corpus file `name` in its place (same name, same type), checked as an
        upload is, and ingest; if the ingest fails the old version is put back."""
        target = self.listed_file(name)
        refused = self._replacement_refused(target, source, upload_name, only_from)
        if refused:
            return CorpusChange([FileOutcome(upload_name, name, "refused", refused)])
        with tempfile.TemporaryDirectory() as staging:
            # The same checks as an upload (type, size, readable by the sandboxed parser), under the old name.
            checked = save_upload(source, target.name, Path(staging), self.settings.max_file_mb, check=check)
            if checked.reason:
                return CorpusChange([FileOutcome(upload_name, name, "refused", checked.reason)])
            staged = Path(staging) / checked.saved_as
            if staged.read_bytes() == target.read_bytes():
                return CorpusChange([FileOutcome(upload_name, name, "exists", "与原文件内容相同，未替换")])
            with self.ingest_lock:
                previous = target.read_bytes()
                _write_atomically(target, staged.read_bytes())
                try:
                    report = self.ingest_and_reload()
                except CorpusChangeError:
                    _write_atomically(target, previous)
                    raise
        return self._change_of(name, upload_name, report)

    def _replacement_refused(self, target: Path, source: Path, upload_name: str, only_from: Path | None) -> str:
        if only_from is not None and not inside_folder(source, only_from):
            log.warning("replacement refused: a path outside the upload folder was sent")
            return "只接受从本机上传的文件内容，已拒绝"
        new_suffix, old_suffix = Path(upload_name).suffix.lower(), target.suffix.lower()
        if new_suffix != old_suffix:
            return (f"新版本的文件类型（{new_suffix or '无扩展名'}）与原文件（{old_suffix or '无扩展名'}）不同，"
                    "不能替换；请用“上传文件”新增，再删除旧文件")
        return ""

    def reingest_file(self, name: str) -> CorpusChange:
        """Read the file `name` again and swap the index in. Ingest skips a file whose same bytes failed
        before, so a file without clauses in the index is first left out for one run (it answers nothing, so
        no question misses it meanwhile); a file with clauses is read again only if it changed."""
        corpus = Path(self.settings.corpus_dir)
        path = corpus / (name or "")
        known = {key for key, _ in live_file_keys(self.assistant.index)}
        if name not in known:
            path = self.listed_file(name)  # a file the index does not know yet must be in the folder
        with self.ingest_lock:
            on_disk = inside_folder(path, corpus)
            if on_disk and not self.assistant.index.rows_of_file.get(name):
                aside = path.with_name(f".{path.name}.reingest")  # hidden: ingest skips it
                path.replace(aside)
                try:
                    self.ingest_corpus(progress=False)
                except AssistantError as exc:
                    raise CorpusChangeError(f"入库失败，原有索引未受影响：{exc}") from None
                finally:
                    aside.replace(path)
            report = self.ingest_and_reload()
        return self._change_of(name, name, report)

    def _change_of(self, name: str, shown_name: str, report) -> CorpusChange:
        """The outcome for the file `name` in an ingest's report."""
        found = next((f for f in report.reports if f.file == name), None)
        if found is None or found.status == "removed":
            outcome = FileOutcome(shown_name, name, "removed", "文件已不在文件库中，已从索引移除")
        elif found.status in ("indexed", "unchanged"):
            outcome = FileOutcome(shown_name, name, "indexed", "" if found.status == "indexed" else "文件未改动",
                                  found.n_notices, found.n_chunks)
        else:
            outcome = FileOutcome(shown_name, name, "failed", found.reason)
        return CorpusChange([outcome], len(self.assistant.index.notices), len(self.assistant.index.chunks))


def _write_atomically(target: Path, content: bytes) -> None:
    """Replace the file's content in one step: an ingest never reads half of it (the part file is hidden)."""
    partial = target.with_name(f".{target.name}.part")
    try:
        partial.write_bytes(content)
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CorpusChangeError(f"无法写入文件库（{os_error_reason(exc)}），文件未替换；请联系管理员") from None
