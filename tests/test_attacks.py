"""Attacks by a hostile or careless user, each written as the attack it stops: server files through the upload
API, one poisoned file stopping every ingest, unbounded files, symlinks out of the corpus, read-only and full
disks, leftovers, a mistyped ASSISTANT_USERS and an LLM key in a URL. Real files, real processes, real HTTP."""
from __future__ import annotations

import os
import random
import shutil
import stat
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import IndexWriteError, UnreadableFileError
from assistant.ingest.build import ingest, scan_corpus
from assistant.ingest.sandbox import FileParser, ParseLimits, cut_long_lines
from assistant.ingest.uploads import inside_folder, private_folder, save_upload, sweep_old_files
from conftest import NOTICE_A, NOTICE_B, ROOT

SECRET = "数据库密码是 Hunter2-X9Q7 请勿外传"
LLM_KEY = "sk-LeakMe-7f3a9c"

# Files that once raised IndexError in tables._align and stopped the whole ingest.
TWO_LINE_TXT = "\t\t关于做好2024年工作的通知\n\t\t\t\t张店区人民政府办公室\n"


def _one_cell_table_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("关于印发2024年重点任务分解表的通知")
    table = document.add_table(rows=3, cols=3)
    title = table.rows[0].cells[0].merge(table.rows[0].cells[2])
    title.text = "附表1"
    for cell, text in zip(table.rows[1].cells, ["序号", "任务", "责任单位"]):
        cell.text = text
    for cell, text in zip(table.rows[2].cells, ["1", "建设公共充电桩200个", "区发改局"]):
        cell.text = text
    document.save(path)
    return path


def _poisoned_corpus(folder: Path) -> Path:
    """Two good notices and every kind of bad file beside them."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.txt").write_text(NOTICE_A, encoding="utf-8")
    (folder / "b.md").write_text(NOTICE_B, encoding="utf-8")
    (folder / "two-lines.txt").write_text(TWO_LINE_TXT, encoding="utf-8")
    _one_cell_table_docx(folder / "one-cell-table.docx")
    rng = random.Random(7)
    (folder / "binary.txt").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a pdf")
    return folder


# --- 1. No server file through the upload API -------------------------------------------------------------


@pytest.fixture(scope="module")
def ui_on_poisoned_corpus(tmp_path_factory):
    """`python ui.py` on a fresh index of a corpus with poisoned files, an LLM key in its URL (nothing listens
    there), and a secret file elsewhere on the server. Starting at all is the first check: a poisoned file used
    to stop the first ingest, so ui.py would not start."""
    from bench.load import free_port, start_ui

    work = tmp_path_factory.mktemp("attacks")
    corpus = _poisoned_corpus(work / "corpus")
    secret = work / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    port = free_port()
    process = start_ui(work / "index", port, work / "ui.log", corpus,
                       extra_args=["--llm-base-url", f"http://admin:{LLM_KEY}@127.0.0.1:9/v1", "--llm-model", "m"])
    yield f"http://127.0.0.1:{port}/", corpus, secret, work / "ui.log", process
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.slow
def test_ui_starts_on_a_fresh_index_although_the_corpus_holds_poisoned_files(ui_on_poisoned_corpus):
    import httpx

    url, corpus, _, log, _ = ui_on_poisoned_corpus
    page = httpx.get(url, timeout=30).text
    assert "政策文件问答助手" in page
    assert "Traceback" not in log.read_text()


@pytest.mark.slow
def test_an_api_client_cannot_upload_a_server_file(ui_on_poisoned_corpus):
    """gradio_client reads any path its caller names and uploads it; the upload is not an API endpoint."""
    import httpx
    from gradio_client import Client

    url, corpus, secret, _, _ = ui_on_poisoned_corpus
    file_data = {"path": str(secret), "meta": {"_type": "gradio.FileData"}}
    client = Client(url, verbose=False)
    with pytest.raises(Exception):
        client.predict([file_data], api_name="/upload")
    # The raw queue protocol with a server path is refused too (Gradio accepts only its own upload cache).
    # (The endpoint is hidden, not gone: the page itself calls it.)
    response = httpx.post(f"{url}gradio_api/call/upload", json={"data": [[file_data]]}, timeout=30)
    if response.status_code == 200:
        event = response.json()["event_id"]
        stream = httpx.get(f"{url}gradio_api/call/upload/{event}", timeout=60).text
        assert "event: error" in stream and "已入库" not in stream
    assert not any("secret" in p.name for p in corpus.iterdir())
    # Nor is a server file served by Gradio's file route.
    for path in (secret, corpus / "a.txt", ROOT / "README.md"):
        served = httpx.get(f"{url}gradio_api/file={path}", timeout=30)
        assert served.status_code >= 400 and "Hunter2" not in served.text, path
    record = client.predict("数据库密码是什么？", 5, api_name="/answer")
    assert "Hunter2" not in str(record)


def test_a_path_outside_the_upload_cache_is_never_read(tmp_path):
    cache = tmp_path / "cache"
    (cache / "abc").mkdir(parents=True)
    inside = cache / "abc" / "通知.txt"
    inside.write_text(NOTICE_A, encoding="utf-8")
    outside = tmp_path / "secret.txt"
    outside.write_text(SECRET, encoding="utf-8")
    link = cache / "abc" / "link.txt"
    link.symlink_to(outside)
    assert inside_folder(inside, cache)
    assert not inside_folder(outside, cache)
    assert not inside_folder(link, cache)  # a link planted inside the cache
    assert not inside_folder(cache / "abc" / ".." / ".." / "secret.txt", cache)


@pytest.mark.slow
def test_the_llm_key_in_the_url_never_reaches_the_page_or_the_log(ui_on_poisoned_corpus):
    import httpx

    url, _, _, log, _ = ui_on_poisoned_corpus
    for path in ("", "config", "gradio_api/info"):
        response = httpx.get(url + path, timeout=30)
        assert LLM_KEY not in response.text, path
    assert LLM_KEY not in log.read_text()


@pytest.mark.slow
def test_generated_replies_are_kept_in_a_folder_only_this_user_can_open(ui_on_poisoned_corpus):
    from gradio_client import Client

    url, _, _, _, process = ui_on_poisoned_corpus
    client = Client(url, verbose=False, download_files=False)
    result = client.predict("尊敬的市民：您好！关于口袋公园建设的诉求已收悉。", api_name="/export_docx")
    served = Path(result["path"] if isinstance(result, dict) else result)
    assert served.suffix == ".docx" and served.exists()
    assert not str(served).startswith(("/tmp/gradio/", str(Path(os.sep, "tmp", "gradio"))))
    private = next(p for p in served.parents if p.name.startswith("assistant-ui-"))
    assert stat.S_IMODE(private.stat().st_mode) == 0o700


def test_generated_files_are_swept_after_their_time(tmp_path):
    folder = private_folder(prefix="assistant-test-")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    old, new = folder / "old.docx", folder / "new.docx"
    old.write_bytes(b"x")
    new.write_bytes(b"y")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert sweep_old_files(folder, 3600) == 1
    assert not old.exists() and new.exists()
    shutil.rmtree(folder)


# --- 2. One bad file does not stop the ingest -------------------------------------------------------------


def test_an_ingest_of_a_poisoned_folder_indexes_every_good_file(tmp_path, embedder):
    corpus = _poisoned_corpus(tmp_path / "corpus")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    result = ingest(settings, progress=False, embedder_factory=lambda s: embedder)
    status = {r.file: r for r in result.reports}
    assert status["a.txt"].status == status["b.md"].status == "indexed"
    for bad in ("binary.txt", "empty.txt", "broken.pdf"):
        assert status[bad].status == "failed" and status[bad].reason
    # The files that once crashed the table parser are read, or at worst fail alone with a reason.
    for odd in ("two-lines.txt", "one-cell-table.docx"):
        assert status[odd].status in ("indexed", "failed") and (status[odd].status == "indexed" or status[odd].reason)
    assert status["one-cell-table.docx"].status == "indexed"
    # A failed file that has not changed is not read again (a file that timed out would cost the limit again).
    again = {r.file: r for r in ingest(settings, progress=False, embedder_factory=lambda s: embedder).reports}
    assert again["binary.txt"].status == "failed" and "未改动" in again["binary.txt"].reason
    assert again["a.txt"].status == "unchanged"


def test_a_parser_crash_or_a_dead_parser_fails_that_file_only(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text(NOTICE_A, encoding="utf-8")
    with FileParser(limits=ParseLimits(timeout_s=0.001)) as parser:
        with pytest.raises(UnreadableFileError, match="超时"):
            parser.parse(good, "a.txt")
        parser.limits = ParseLimits()
        assert parser.parse(good, "a.txt").chunks  # the parser process was replaced
        parser._process.kill()  # the parser dies between two files (killed by the OOM killer, say)
        parser._process.wait()
        assert parser.parse(good, "a.txt").chunks


# --- 3. Bounded cost per file -----------------------------------------------------------------------------


def _one_line_without_punctuation(path: Path, n_chars: int) -> Path:
    rng = random.Random(3)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    path.write_text("".join(rng.choice(alphabet) for _ in range(n_chars)), encoding="utf-8")
    return path


def test_a_30_mb_one_line_file_is_refused_quickly_with_a_reason(tmp_path):
    big = _one_line_without_punctuation(tmp_path / "big.txt", 10_000_000)  # 30 MB of UTF-8
    assert big.stat().st_size > 29_000_000
    with FileParser(Settings()) as parser:
        with pytest.raises(UnreadableFileError, match="文件过长"):
            parser.parse(big, "big.txt")


def test_a_file_that_needs_more_memory_than_allowed_is_refused_with_a_reason(tmp_path):
    big = _one_line_without_punctuation(tmp_path / "big.txt", 1_000_000)
    with FileParser(limits=ParseLimits(memory_mb=60)) as parser:
        with pytest.raises(UnreadableFileError, match="内存上限|意外退出"):
            parser.parse(big, "big.txt")


def test_a_docx_with_a_huge_xml_part_under_the_ratio_check_is_refused(tmp_path):
    """A few MB on disk, 45 MB of XML when inflated, at a ratio far under the zip-bomb check."""
    from assistant.ingest.readers import MAX_ZIP_RATIO, MAX_ZIP_XML

    path = tmp_path / "big-xml.docx"
    rng = random.Random(5)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b"<w:document><w:body>")
            written = 0
            while written <= MAX_ZIP_XML:
                block = "".join(f"<w:p><w:r><w:t>{rng.randrange(10**9)}第{rng.randrange(999)}条</w:t></w:r></w:p>"
                                for _ in range(5000)).encode()
                part.write(block)
                written += len(block)
            part.write(b"</w:body></w:document>")
    infos = zipfile.ZipFile(path).infolist()
    assert sum(i.file_size for i in infos) / sum(i.compress_size for i in infos) < MAX_ZIP_RATIO
    started = time.monotonic()
    with FileParser(Settings()) as parser:
        with pytest.raises(UnreadableFileError, match="压缩炸弹"):
            parser.parse(path, "big-xml.docx")
    assert time.monotonic() - started < 60


def test_long_lines_are_cut_at_a_sentence_end_or_space():
    text = "甲" * 30 + "。" + "乙" * 30 + "\n短行"
    cut = cut_long_lines(text, 40)
    assert cut.split("\n") == ["甲" * 30 + "。", "乙" * 30, "短行"]
    assert cut_long_lines("丙" * 100, 40).split("\n") == ["丙" * 40, "丙" * 40, "丙" * 20]
    assert cut_long_lines(text, 1000) == text


# --- 6. Files that lie ------------------------------------------------------------------------------------


def test_symlinks_in_the_corpus_are_skipped_with_a_reason(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(NOTICE_A, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.txt").write_text("root:x:0:0:root:/root:/bin/bash\n" + SECRET, encoding="utf-8")
    (corpus / "passwd.txt").symlink_to(outside / "passwd.txt")
    (corpus / "etc").symlink_to(outside, target_is_directory=True)
    files, skipped = scan_corpus(corpus)
    assert [f.name for f in files] == ["a.txt"]
    reasons = {r.file: r.reason for r in skipped}
    assert "链接" in reasons["passwd.txt"] and "链接" in reasons["etc"]


# --- 7. Read-only folders and full disks ------------------------------------------------------------------


def _mount_tmpfs(target: Path, size: str) -> bool:
    target.mkdir(parents=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
                          capture_output=True).returncode == 0


@pytest.fixture()
def tmpfs(tmp_path):
    mounted: list[Path] = []

    def make(size: str) -> Path:
        target = tmp_path / f"fs-{uuid.uuid4().hex[:6]}"
        if not _mount_tmpfs(target, size):
            pytest.skip("mounting a tmpfs needs root with CAP_SYS_ADMIN")
        mounted.append(target)
        return target

    yield make
    for target in mounted:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def test_a_read_only_index_folder_gives_a_clear_error_and_keeps_the_index(tmp_path, tmpfs, small_corpus, embedder):
    root = tmpfs("64m")
    settings = Settings(corpus_dir=small_corpus, index_dir=root / "index")
    ingest(settings, progress=False, embedder_factory=lambda s: embedder)
    before = sorted(p.name for p in (root / "index").iterdir())
    (small_corpus / "c.txt").write_text(NOTICE_A.replace("桓台县", "高青县"), encoding="utf-8")
    subprocess.run(["mount", "-o", "remount,ro", str(root)], check=True)
    with pytest.raises(IndexWriteError) as caught:
        ingest(settings, progress=False, embedder_factory=lambda s: embedder)
    message = str(caught.value)
    assert "原有索引未受影响" in message and "Errno" not in message and str(root) not in message
    subprocess.run(["mount", "-o", "remount,rw", str(root)], check=True)
    assert sorted(p.name for p in (root / "index").iterdir()) == before


def test_a_full_disk_during_an_upload_says_so_and_leaves_no_part_file(tmp_path, tmpfs):
    corpus = tmpfs("256k")
    (corpus / "filler.bin").write_bytes(b"\0" * 200_000)
    upload = tmp_path / "通知.txt"
    upload.write_text(NOTICE_A * 200, encoding="utf-8")  # about 150 KB: does not fit any more
    result = save_upload(upload, "通知.txt", corpus, max_mb=5)
    assert not result.saved_as and "磁盘空间不足" in result.reason
    assert "Errno" not in result.reason and str(corpus) not in result.reason
    assert sorted(p.name for p in corpus.iterdir()) == ["filler.bin"]


def test_building_leftovers_go_even_when_nothing_changes(tmp_path, small_corpus, embedder):
    settings = Settings(corpus_dir=small_corpus, index_dir=tmp_path / "index")
    ingest(settings, progress=False, embedder_factory=lambda s: embedder)
    leftover = tmp_path / "index" / ".building-20240101-000000-1-1"
    leftover.mkdir()
    (leftover / "store.sqlite").write_bytes(b"half")
    result = ingest(settings, progress=False, embedder_factory=lambda s: embedder)
    assert not result.changed and not leftover.exists()


# --- 5. Login and secrets in ui.py ------------------------------------------------------------------------


@pytest.mark.parametrize("users", ["alice=secret1", "alice:", ":secret1", "alice:a,alice:b"])
def test_ui_refuses_to_start_with_a_mistyped_users_setting(tmp_path, users):
    done = subprocess.run([sys.executable, str(ROOT / "ui.py"), "--index", str(tmp_path / "index"),
                           "--corpus", str(tmp_path / "corpus"), "--port", "9"],
                          env={**os.environ, "ASSISTANT_USERS": users}, capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 2
    assert "ASSISTANT_USERS" in done.stderr and "secret1" not in done.stderr and "Traceback" not in done.stderr
