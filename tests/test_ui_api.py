"""The web UI's API under concurrent users and bad input (real server on loopback, gradio_client)."""
from __future__ import annotations

import shutil

import pytest

from bench.load import stop_ui as stop  # shutdown time is not what these tests check

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ui_url(sample_index_dir, tmp_path_factory):
    from bench.load import free_port, start_ui

    index = tmp_path_factory.mktemp("ui-api") / "index"
    shutil.copytree(sample_index_dir, index)
    port = free_port()
    process = start_ui(index, port, index.parent / "ui.log")
    yield f"http://127.0.0.1:{port}/"
    stop(process)


def test_twenty_concurrent_users_get_answers_without_errors(ui_url):
    from bench.load import asked_through_queue, run_load

    # Extractive answers: the page calls its chat event directly, one request each (not through the queue).
    assert asked_through_queue(ui_url) is False

    questions = ["张店区2023年充电桩目标是多少？", "What is Zhangdian's 2023 charging-pile target?",
                 "淄川区科技型中小企业的目标由哪个部门负责？", "政务公开的工作台账什么时候报送？", "火星基地建设目标是多少？"]
    result = run_load(ui_url, questions, users=20, seconds=8)
    assert result.errors == []
    assert len(result.latencies_ms) >= 20  # every user got at least one answer


@pytest.mark.parametrize("question,reason", [
    ("", "问题为空"), ("  \t ", "问题为空"), ("充" * 20_000, "问题太长"), ("\x00\x1b\x07", "问题为空"),
])
def test_bad_questions_through_the_api_get_the_reason(ui_url, question, reason):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(ui_url, verbose=False)
    with pytest.raises(AppError, match=reason):
        client.predict(question, 5, api_name="/answer")
    # The chat endpoint answers the same question with the reason as its reply, not a traceback.
    # question, history, places, years, notices, k, and the page's browser storage (owner key, conversation)
    history = client.predict(question, [], None, None, None, 5, "", "", api_name="/ask")[0]
    reply = history[-1]["content"]
    text = reply[0]["text"] if isinstance(reply, list) else str(reply)
    assert reason in text and "Traceback" not in text


def test_control_characters_inside_a_question_are_dropped_and_it_is_answered(ui_url):
    from gradio_client import Client

    record = Client(ui_url, verbose=False).predict("张店区\x00充电桩\x1b目标是多少？", 5, api_name="/answer")
    assert not record["abstained"] and "1775" in record["answer"]
    assert record["citations"] and record["citations"][0]["notice_title"]


def test_the_ui_answers_from_a_milvus_store(tmp_path, small_corpus, embedder):
    """ui.py --store milvus: the same answer path on a Milvus Lite file (built here, then handed to the UI)."""
    from conftest import release_milvus_lite
    from gradio_client import Client

    from assistant.config import Settings
    from assistant.ingest.build import ingest
    from bench.load import free_port, start_ui

    uri = tmp_path / "index" / "milvus.db"
    ingest(Settings(corpus_dir=small_corpus, index_dir=uri.parent, store="milvus", milvus_uri=str(uri)),
           progress=False, embedder_factory=lambda s: embedder)
    release_milvus_lite(str(uri))
    port = free_port()
    process = start_ui(uri.parent, port, tmp_path / "ui.log", corpus=small_corpus,
                       extra_args=["--store", "milvus", "--milvus-uri", str(uri)])
    try:
        url = f"http://127.0.0.1:{port}/"
        record = Client(url, verbose=False).predict("桓台县新建多少处口袋公园？", 5, api_name="/answer")
        from bench.load import run_load

        load = run_load(url, ["桓台县新建多少处口袋公园？", "高青县植树造林多少亩？"], users=8, seconds=4)
    finally:
        stop(process)
    assert not record["abstained"] and "12处" in record["answer"]
    assert "城市绿化工作方案" in record["citations"][0]["notice_title"]
    assert load.errors == [] and len(load.latencies_ms) >= 8  # concurrent users share one Milvus client
