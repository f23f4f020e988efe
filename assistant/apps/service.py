"""The live assistant one server process shares between its front-ends (web UI and HTTP API).

It holds the loaded index, follows ingests made by other processes, and adds or removes corpus files with
one ingest at a time. Questions in flight keep the assistant they started with when a new one is swapped in.

    service = Service(Settings())            # loads the index (ingests the corpus first if there is none)
    service.current().ask(question)
    service.add_files([(Path("/tmp/upload-1"), "通知.docx")])
"""
from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from assistant.config import Settings
from assistant.errors import AssistantError, IndexMissingError, os_error_reason
from assistant.ingest.uploads import UploadResult, inside_folder, save_upload

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

