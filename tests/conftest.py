"""Shared fixtures: the sample corpus, and one real index built from it (slow: loads the model once)."""
from __future__ import annotations

import contextlib
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def embedder():
    from assistant.embedding import TorchEmbedder

    return TorchEmbedder()


@pytest.fixture(scope="session")
def sample_index_dir(tmp_path_factory, embedder) -> Path:
    """A real index (real model, FAISS and BM25 on disk) of the whole sample corpus."""
    from assistant.config import Settings
    from assistant.ingest.build import ingest

    folder = tmp_path_factory.mktemp("index")
    settings = Settings(corpus_dir=CORPUS, index_dir=folder)
    ingest(settings, progress=False, embedder_factory=lambda s: embedder)
    return folder


@pytest.fixture(scope="session")
def sample_milvus_uri(tmp_path_factory, embedder) -> str:
    """The same sample corpus ingested into a Milvus Lite file (real Milvus Lite, in this process)."""
    from assistant.config import Settings
    from assistant.ingest.build import ingest

    uri = str(tmp_path_factory.mktemp("milvus") / "sample.db")
    settings = Settings(corpus_dir=CORPUS, index_dir=Path(uri).parent, store="milvus", milvus_uri=uri)
    ingest(settings, progress=False, embedder_factory=lambda s: embedder)
    return uri


@pytest.fixture(scope="session", params=["local", "milvus"])
def sample_settings(request, sample_index_dir) -> "Settings":
    """Settings that open the sample corpus's index in each store: tests using this run against both."""
    from assistant.config import Settings

    if request.param == "milvus":
        uri = request.getfixturevalue("sample_milvus_uri")
        return Settings(index_dir=Path(uri).parent, store="milvus", milvus_uri=uri)
    return Settings(index_dir=sample_index_dir)


@pytest.fixture()
def small_corpus(tmp_path) -> Path:
    """Two short documents, enough to exercise ingest without the cost of the whole corpus."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(NOTICE_A, encoding="utf-8")
    (corpus / "b.md").write_text(NOTICE_B, encoding="utf-8")
    return corpus


NOTICE_A = """桓台县人民政府办公室
关于印发桓台县2024年城市绿化工作方案的通知
桓政办字〔2024〕12号
各镇人民政府，县政府各部门：
《桓台县2024年城市绿化工作方案》已经县政府同意，现印发给你们，请认真贯彻执行。
桓台县人民政府办公室
2024年3月5日
（此件公开发布）
桓台县2024年城市绿化工作方案
一、工作目标
1. 新建口袋公园。全年新建口袋公园12处，新增绿地面积30万平方米。（县住房城乡建设局牵头，县财政局配合）
2. 推进道路绿化。完成主干道绿化提升8条。（县综合行政执法局负责）
"""

NOTICE_B = """高青县人民政府关于做好2024年春季植树工作的通知
高政字〔2024〕3号
各镇人民政府，县政府各部门：
一、植树任务
全县完成植树造林5000亩，义务植树20万株。（县自然资源局牵头，各镇配合）
二、时间安排
3月10日至4月10日为集中植树期。
高青县人民政府
2024年2月20日
"""


def release_milvus_lite(uri: str) -> None:
    """Stop this process's Milvus Lite server for the file, so another process may open it (one at a time)."""
    from milvus_lite.server_manager import server_manager_instance

    server_manager_instance.release_server(str(Path(uri).resolve()))


def copy_corpus(files: list[str], target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copy(CORPUS / name, target / name)
    return target


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell a failed test (screenshots)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@contextlib.contextmanager
def serving_in_thread(make_server):
    """make_server(port) → a uvicorn.Server; it is run on a free loopback port in a thread until the block
    ends. Yields the base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = make_server(sock.getsockname()[1])
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
