"""The HTTP API (REST + OpenAI-compatible) against a real server on loopback: real index, real model, real HTTP."""
from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import time
from urllib.parse import quote

import httpx
import pytest

from conftest import CORPUS, serving_in_thread

pytestmark = pytest.mark.slow

MADE_UP_NOTICE = """沂源县人民政府办公室
关于印发沂源县2024年乡村书屋提升方案的通知
源政办字〔2024〕31号
各镇人民政府，县政府各部门：
现将《沂源县2024年乡村书屋提升方案》印发给你们，请认真贯彻执行。
沂源县人民政府办公室
2024年4月9日
一、工作目标
全年新建标准化乡村书屋46处，更新图书8万册。（县文化和旅游局牵头，县财政局配合）
二、保障措施
各镇于2024年11月15日前报送书屋建设台账。
"""


@pytest.fixture(autouse=True)
def _no_proxy_env(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@contextlib.contextmanager
def running_api(settings, embedder, users=None, local_only=True):
    """The API alone (as `python -m assistant serve` runs it) on a free loopback port, in a thread."""
    from assistant.apps.api import Api
    from assistant.apps.service import Service
    from assistant.apps.webserver import make_api_server

    api = Api(Service(settings, embedder=embedder), users, local_only=local_only)
    try:
        with serving_in_thread(lambda port: make_api_server(api, "127.0.0.1", port)) as url:
            yield url, api
    finally:
        api.pool.shutdown()


@pytest.fixture(scope="module")
def workspace(sample_index_dir, tmp_path_factory):
    """A copy of the sample corpus and its index that uploads and deletions may change."""
    root = tmp_path_factory.mktemp("api")
    shutil.copytree(CORPUS, root / "corpus")
    shutil.copytree(sample_index_dir, root / "index")
    return root


@pytest.fixture(scope="module")
def open_api(workspace, embedder):
    from assistant.config import Settings

    settings = Settings(corpus_dir=workspace / "corpus", index_dir=workspace / "index", max_file_mb=1.0)
    with running_api(settings, embedder) as (url, api):
        yield url, api


@pytest.fixture()
def client(open_api):
    with httpx.Client(base_url=open_api[0], timeout=120) as c:
        yield c


def sse_events(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((fields.get("event", ""), json.loads(fields["data"])))
    return events


# --- REST -------------------------------------------------------------------------------------------

def test_health_names_the_index_and_its_counts(client):
    health = client.get("/api/v1/health").json()
    assert health["status"] == "ok" and health["index_version"].startswith("v-")
    assert health["notices"] > 5 and health["chunks"] > 100 and health["store"] == "local"
    assert health["model"] == "m3e-small"


def test_ask_returns_the_answer_with_full_citations(client):
    response = client.post("/api/v1/ask", json={"question": "张店区2023年新增多少个充电桩？"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "1775" in body["answer"] and body["abstained"] is False
    cited = [c for c in body["citations"] if "1775" in c["text"]][0]
    assert cited["issuer"] and cited["date"] and cited["clause_path"] and "doc_number" in cited
    assert cited["jurisdiction"] == "张店区" and cited["quotes"] and "张店区" in cited["notice_title"]


def test_the_streamed_answer_is_the_same_answer(client):
    question = {"question": "淄川区2023年完成充电设施多少个？"}
    whole = client.post("/api/v1/ask", json=question).json()
    with client.stream("POST", "/api/v1/ask", json={**question, "stream": True}) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        events = sse_events(response.read().decode("utf-8"))
    assert [name for name, _ in events][-1] == "answer"
    assert "".join(data["text"] for name, data in events if name == "delta") == whole["answer"]
    assert events[-1][1]["citations"] == whole["citations"]


def test_a_conversation_reads_a_follow_up_in_context(client):
    first = client.post("/api/v1/ask", json={"question": "张店区2023年新增多少个充电桩？",
                                             "conversation_id": "hotline-7"}).json()
    follow = client.post("/api/v1/ask", json={"question": "那淄川区呢？", "conversation_id": "hotline-7"}).json()
    assert "1775" in first["answer"]
    assert "淄川区" in follow["understood_as"] and follow["understood_as"] != "那淄川区呢？"
    assert any(c["jurisdiction"] == "淄川区" for c in follow["citations"])
    alone = client.post("/api/v1/ask", json={"question": "那淄川区呢？", "conversation_id": "another"}).json()
    assert alone["understood_as"] == "那淄川区呢？"  # another conversation has no context


def test_a_conversation_survives_a_restart_and_is_the_callers_own(workspace, embedder, open_api):
    from assistant.config import Settings

    settings = Settings(corpus_dir=workspace / "corpus", index_dir=workspace / "index")
    with httpx.Client(base_url=open_api[0], timeout=120) as c:
        c.post("/api/v1/ask", json={"question": "张店区2023年新增多少个充电桩？", "conversation_id": "desk-3"})
    with running_api(settings, embedder) as (url, _), httpx.Client(base_url=url, timeout=120) as c:  # a new process
        follow = c.post("/api/v1/ask", json={"question": "那淄川区呢？", "conversation_id": "desk-3"}).json()
        assert "淄川区" in follow["understood_as"] and "2023" in follow["understood_as"]
    keyed = Settings(corpus_dir=workspace / "corpus", index_dir=workspace / "index", api_keys="other-caller-key")
    with running_api(keyed, embedder) as (url, _), httpx.Client(base_url=url, timeout=120) as c:
        theirs = c.post("/api/v1/ask", json={"question": "那淄川区呢？", "conversation_id": "desk-3"},
                        headers={"Authorization": "Bearer other-caller-key"}).json()
        assert theirs["understood_as"] == "那淄川区呢？"  # the same id from another caller is another conversation


def test_filters_keep_the_answer_inside_the_place(client):
    body = client.post("/api/v1/ask", json={"question": "充电桩建设目标", "filters": {"place": "淄川区"}}).json()
    assert body["citations"] and {c["jurisdiction"] for c in body["citations"]} == {"淄川区"}
    single = client.post("/api/v1/ask", json={"question": "充电桩建设目标", "filters": {"place": ["淄川区"],
                                                                                    "year": 2023}}).json()
    assert {c["jurisdiction"] for c in single["citations"]} == {"淄川区"}


def test_search_returns_clauses_with_their_notice(client):
    hits = client.post("/api/v1/search", json={"question": "充电桩", "k": 3}).json()["hits"]
    assert len(hits) == 3 and all(h["notice"]["title"] and h["clause_path"] is not None for h in hits)
    assert hits[0]["score"] >= hits[-1]["score"]


def test_notices_are_listed_filtered_and_opened_with_their_clauses(client):
    notices = client.get("/api/v1/notices").json()
    assert notices["total"] == len(notices["notices"]) > 5
    with_number = next(n for n in notices["notices"] if "〔" in n["doc_number"])
    square = with_number["doc_number"].replace("〔", "[").replace("〕", "] ")
    found = client.get("/api/v1/notices", params={"q": square}).json()["notices"]
    assert with_number["id"] in [n["id"] for n in found]
    zichuan = client.get("/api/v1/notices", params={"place": "淄川区"}).json()["notices"]
    assert zichuan and {n["jurisdiction"] for n in zichuan} == {"淄川区"}
    one = client.get("/api/v1/notices/" + quote(with_number["id"], safe="")).json()  # ids hold '#' and '/' 
    assert one["title"] == with_number["title"] and len(one["clauses"]) == one["n_chunks"] > 0
    missing = client.get("/api/v1/notices/no-such-notice")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("body,code", [
    ({"question": ""}, "bad_question"),
    ({"question": "  \t"}, "bad_question"),
    ({"question": "充" * 3000}, "bad_question"),
    ({"questio": "拼错了字段名"}, "bad_request"),
    ({"question": "充电桩", "k": 0}, "bad_request"),
    ({"question": "充电桩", "filters": {"year": "去年"}}, "bad_request"),
    ([1, 2, 3], "bad_request"),
])
def test_bad_bodies_get_400_with_a_reason(client, body, code):
    response = client.post("/api/v1/ask", json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"] and "Traceback" not in response.text


def test_not_json_unknown_routes_and_huge_bodies_are_json_errors(client):
    response = client.post("/api/v1/ask", content=b"question=hi", headers={"content-type": "text/plain"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"
    unknown = client.get("/api/v1/nothing-here")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    huge = client.post("/api/v1/ask", content=json.dumps({"question": "字" * 600_000}).encode(),
                       headers={"content-type": "application/json"})
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"


def test_uploaded_document_is_answerable_and_deleting_it_removes_it(client, workspace):
    files = [("files", ("沂源县乡村书屋方案.txt", MADE_UP_NOTICE.encode("gbk"), "text/plain")),
             ("files", ("坏文件.txt", bytes(range(256)) * 40, "text/plain"))]
    response = client.post("/api/v1/documents", files=files)
    assert response.status_code == 200, response.text
    outcomes = {o["name"]: o for o in response.json()["files"]}
    assert outcomes["沂源县乡村书屋方案.txt"]["status"] == "indexed"
    assert outcomes["坏文件.txt"]["status"] == "refused" and outcomes["坏文件.txt"]["reason"]
    assert (workspace / "corpus" / "沂源县乡村书屋方案.txt").exists()
    assert not (workspace / "corpus" / "坏文件.txt").exists()
    answer = client.post("/api/v1/ask", json={"question": "沂源县今年要新建多少处乡村书屋？"}).json()
    assert "46" in answer["answer"] and answer["citations"][0]["doc_number"] == "源政办字〔2024〕31号"

    only_bad = client.post("/api/v1/documents", files=[("files", ("空.txt", b"", "text/plain"))])
    assert only_bad.status_code == 400 and only_bad.json()["error"]["code"] == "bad_document"
    too_big = client.post("/api/v1/documents", files=[("files", ("大.txt", "字".encode() * 700_000, "text/plain"))])
    assert too_big.status_code == 413

    removed = client.delete("/api/v1/documents/沂源县乡村书屋方案.txt")
    assert removed.status_code == 200, removed.text
    assert not (workspace / "corpus" / "沂源县乡村书屋方案.txt").exists()
    after = client.post("/api/v1/ask", json={"question": "沂源县今年要新建多少处乡村书屋？"}).json()
    assert all("沂源" not in c["notice_title"] for c in after["citations"])
    gone = client.delete("/api/v1/documents/沂源县乡村书屋方案.txt")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    escape = client.delete("/api/v1/documents/..%2F..%2Fetc%2Fpasswd")
    assert escape.status_code == 404


def test_an_index_being_swapped_gives_503_then_answers_again(client, open_api, workspace):
    _, api = open_api
    pointer = workspace / "index" / "CURRENT"
    saved = pointer.read_bytes()
    pointer.unlink()  # what a reader sees in the instant between two versions, or a damaged index
    try:
        api.service._checked = float("-inf")
        response = client.post("/api/v1/ask", json={"question": "张店区2023年新增多少个充电桩？"})
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "index_unavailable" and response.headers["retry-after"]
    finally:
        pointer.write_bytes(saved)
    api.service._checked = float("-inf")
    assert client.post("/api/v1/ask", json={"question": "张店区2023年新增多少个充电桩？"}).status_code == 200


def test_a_client_leaving_mid_stream_does_not_hurt_the_server(open_api):
    url, api = open_api
    with httpx.Client(base_url=url, timeout=60) as c:
        for path, body in (("/api/v1/ask", {"question": "淄川区科技型中小企业的目标由哪个部门负责？", "stream": True}),
                           ("/v1/chat/completions", {"model": "assistant", "stream": True,
                                                     "messages": [{"role": "user", "content": "张店区充电桩目标"}]})):
            with c.stream("POST", path, json=body) as response:
                assert response.status_code == 200
                next(response.iter_bytes())  # the first bytes, then the client hangs up
        deadline = time.monotonic() + 30
        while api.pool.pending and time.monotonic() < deadline:
            time.sleep(0.05)
        assert api.pool.pending == 0  # the workers finished and were released
        assert c.get("/api/v1/health").status_code == 200
        assert "1775" in c.post("/api/v1/ask", json={"question": "张店区2023年新增多少个充电桩？"}).json()["answer"]


def test_an_answer_asked_again_is_reused_until_the_index_changes(open_api):
    service = open_api[1].service
    question = "淄川区2023年完成充电设施多少个？"
    first = service.answer(question, 5)
    assert service.answer(question, 5) is first and "1220" in first.text
    assert service.answer(question, 3) is not first  # how many sources is part of what was asked
    service.reload()  # a new index (here: the same one loaded again) answers afresh
    again = service.answer(question, 5)
    assert again is not first and again.text == first.text
    settings = service.settings
    try:
        service.settings = dataclasses.replace(settings, answer_cache=0)
        assert service.answer(question, 5) is not service.answer(question, 5)
    finally:
        service.settings = settings


# --- OpenAI-compatible ----------------------------------------------------------------------------

def test_the_openai_client_gets_answers_with_sources(open_api):
    from openai import OpenAI

    client = OpenAI(base_url=open_api[0] + "/v1", api_key="not-needed", max_retries=0)
    assert [m.id for m in client.models.list()] == ["assistant"]
    reply = client.chat.completions.create(
        model="assistant", messages=[{"role": "system", "content": "你是助手"},
                                     {"role": "user", "content": "张店区2023年新增多少个充电桩？"}])
    text = reply.choices[0].message.content
    assert "1775" in text and "[1]" in text and "来源：" in text and "张店区" in text.split("来源：")[1]
    assert reply.choices[0].finish_reason == "stop"

    pieces = [chunk.choices[0].delta.content or "" for chunk in client.chat.completions.create(
        model="assistant", stream=True, messages=[{"role": "user", "content": "张店区2023年新增多少个充电桩？"}])]
    assert "".join(pieces) == text and len(pieces) > 2


def test_the_openai_endpoint_reads_earlier_messages_as_context(open_api):
    from openai import OpenAI

    client = OpenAI(base_url=open_api[0] + "/v1", api_key="x", max_retries=0)
    reply = client.chat.completions.create(model="assistant", messages=[
        {"role": "user", "content": "张店区2023年新增多少个充电桩？"},
        {"role": "assistant", "content": "新增各类充电桩1775个。[1]"},
        {"role": "user", "content": [{"type": "text", "text": "那淄川区呢？"}]}])
    assert "淄川区" in reply.choices[0].message.content.split("来源：")[1]


def test_the_openai_endpoint_refuses_bad_requests_in_its_error_shape(open_api):
    import openai

    client = openai.OpenAI(base_url=open_api[0] + "/v1", api_key="x", max_retries=0)
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "充电桩"}])
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="assistant", messages=[{"role": "system", "content": "只有系统消息"}])
    assert "用户" in str(caught.value)


# --- beside the web UI ------------------------------------------------------------------------------

def test_ui_py_serves_the_api_beside_the_page_each_behind_its_own_credentials(workspace, tmp_path):
    from openai import OpenAI

    from bench.load import free_port, start_ui
    from bench.load import stop_ui as stop

    port = free_port()
    process = start_ui(workspace / "index", port, tmp_path / "ui.log", corpus=workspace / "corpus",
                       env={"ASSISTANT_USERS": "alice:secret1", "ASSISTANT_API_KEYS": "office-key-1"})
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=120, trust_env=False) as c:
            assert c.get("/config").status_code == 401  # the page's data needs the web login
            assert c.get("/docs").status_code == 200 and "/api/v1/ask" in c.get("/openapi.json").text
            assert c.post("/api/v1/ask", json={"question": "充电桩"}).status_code == 401
            key = {"Authorization": "Bearer office-key-1"}
            body = c.post("/api/v1/ask", json={"question": "张店区2023年新增多少个充电桩？"}, headers=key).json()
            assert "1775" in body["answer"]
            assert c.post("/login", data={"username": "alice", "password": "secret1"}).status_code == 200
            assert c.get("/config").status_code == 200
        reply = OpenAI(base_url=url + "/v1", api_key="office-key-1", max_retries=0).chat.completions.create(
            model="assistant", messages=[{"role": "user", "content": "张店区2023年新增多少个充电桩？"}])
        assert "1775" in reply.choices[0].message.content
    finally:
        stop(process)


def test_python_m_assistant_serve_runs_the_api_without_the_page(sample_index_dir, tmp_path):
    import os
    import subprocess
    import sys

    from bench.load import free_port
    from conftest import ROOT
    from bench.load import stop_ui as stop

    index = tmp_path / "index"
    shutil.copytree(sample_index_dir, index)
    port = free_port()
    log = open(tmp_path / "serve.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--index", str(index), "--port", str(port)],
                               cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "ASSISTANT_USERS": ""})
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60, trust_env=False) as c:
            deadline = time.monotonic() + 180
            while True:
                assert process.poll() is None, (tmp_path / "serve.log").read_text()
                try:
                    if c.get("/api/v1/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.5)
            assert "1775" in c.post("/api/v1/ask", json={"question": "张店区2023年新增多少个充电桩？"}).json()["answer"]
            page = c.get("/")
            assert page.status_code == 404 and page.json()["error"]["code"] == "not_found"  # no web page here
    finally:
        stop(process)
        log.close()


# --- keys, logins and limits ---------------------------------------------------------------------

def test_keys_are_required_when_set_and_each_key_has_its_own_limit(sample_index_dir, embedder):
    from openai import AuthenticationError, OpenAI

    from assistant.config import Settings

    settings = Settings(index_dir=sample_index_dir, api_keys="key-alpha-123, key-beta-456", api_rate_per_min=120)
    with running_api(settings, embedder) as (url, _), httpx.Client(base_url=url, timeout=60) as c:
        assert c.get("/api/v1/health").status_code == 200  # no documents in it: monitors need no key
        for path, method in (("/api/v1/notices", "GET"), ("/api/v1/ask", "POST"), ("/v1/models", "GET"),
                             ("/api/v1/documents/x.txt", "DELETE")):
            refused = c.request(method, path, json={"question": "充电桩"})
            assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
            assert refused.headers["www-authenticate"] == "Bearer"
        wrong = c.get("/api/v1/notices", headers={"Authorization": "Bearer key-gamma"})
        assert wrong.status_code == 401
        alpha = {"Authorization": "Bearer key-alpha-123"}
        assert c.post("/api/v1/ask", json={"question": "张店区2023年新增多少个充电桩？"}, headers=alpha).status_code == 200
        with pytest.raises(AuthenticationError):
            OpenAI(base_url=url + "/v1", api_key="wrong", max_retries=0).models.list()
        assert OpenAI(base_url=url + "/v1", api_key="key-beta-456", max_retries=0).models.list().data

        statuses = [c.get("/v1/models", headers=alpha).status_code for _ in range(25)]
        assert statuses.count(429) > 0 and statuses[0] == 200  # a burst of 12 (120 a minute), then limited
        limited = c.get("/v1/models", headers=alpha)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert limited.json()["error"]["code"] == "rate_limited"
        assert c.get("/v1/models", headers={"Authorization": "Bearer key-beta-456"}).status_code == 200


def test_with_web_logins_but_no_keys_the_api_is_closed(sample_index_dir, embedder):
    from assistant.apps.auth import parse_users
    from assistant.config import Settings

    with running_api(Settings(index_dir=sample_index_dir), embedder, users=parse_users("alice:secret1")) as (url, _):
        response = httpx.post(url + "/api/v1/ask", json={"question": "充电桩"}, timeout=60)
        assert response.status_code == 401 and "ASSISTANT_API_KEYS" in response.json()["error"]["message"]
        basic = httpx.get(url + "/api/v1/notices", auth=("alice", "secret1"), timeout=60)
        assert basic.status_code == 401  # a login is for the web page; programs use keys


def test_open_to_the_network_without_keys_uploads_are_refused(workspace, embedder):
    from assistant.config import Settings

    settings = Settings(corpus_dir=workspace / "corpus", index_dir=workspace / "index")
    before = sorted(p.name for p in (workspace / "corpus").iterdir())
    with running_api(settings, embedder, local_only=False) as (url, _):
        upload = httpx.post(url + "/api/v1/documents", timeout=60,
                            files=[("files", ("沂源县乡村书屋方案.txt", MADE_UP_NOTICE.encode(), "text/plain"))])
        assert upload.status_code == 403 and upload.json()["error"]["code"] == "uploads_disabled"
        assert httpx.delete(url + "/api/v1/documents/" + before[0], timeout=60).status_code == 403
        assert httpx.get(url + "/api/v1/notices", timeout=60).status_code == 200  # reading stays open
    assert sorted(p.name for p in (workspace / "corpus").iterdir()) == before


# --- pure parts -------------------------------------------------------------------------------------

def test_rate_limiter_refills_over_time_and_keeps_callers_apart():
    from assistant.apps.api import RateLimiter

    now = [0.0]
    limiter = RateLimiter(per_minute=60, clock=lambda: now[0], max_callers=2)
    assert [limiter.allow("a") for _ in range(10)] == [0.0] * 10
    assert limiter.allow("a") == pytest.approx(1.0)
    assert limiter.allow("b") == 0.0  # another caller has its own bucket
    now[0] += 2.0
    assert limiter.allow("a") == 0.0 and limiter.allow("a") == 0.0 and limiter.allow("a") > 0
    limiter.allow("c")
    assert len(limiter._buckets) == 2  # memory stays bounded
    assert RateLimiter(per_minute=0).allow("a") == 0.0  # 0 switches the limit off


def test_keys_parse_and_match_exactly():
    from assistant.apps.api import key_matching, parse_api_keys

    keys = parse_api_keys(" k-1 , ,k-2,")
    assert keys == ["k-1", "k-2"]
    assert key_matching(keys, "k-2") == "k-2"
    assert key_matching(keys, "k-") is None and key_matching(keys, "k-22") is None and key_matching([], "") is None


def test_chat_messages_become_one_standalone_question():
    from assistant.apps.api import message_text, standalone_question

    assert standalone_question(["周村区2024年植树目标是多少？", "那桓台县呢？"]) == "桓台县2024年植树目标是多少？"
    assert standalone_question(["周村区2024年植树目标是多少？", "桓台县的养老服务补贴标准是什么？"]) == \
        "桓台县的养老服务补贴标准是什么？"
    assert message_text([{"type": "text", "text": "你好"}, {"type": "image_url", "image_url": {}}]) == "你好"
    assert message_text(None) == ""


def test_settings_read_the_api_keys_from_the_environment_and_never_show_them():
    from assistant.config import Settings

    settings = Settings.from_env({"ASSISTANT_API_KEYS": "secret-key-1", "ASSISTANT_API_RATE_PER_MIN": "30"})
    assert settings.api_keys == "secret-key-1" and settings.api_rate_per_min == 30
    assert "secret-key-1" not in repr(settings)
    assert dataclasses.replace(settings, api_keys="").api_keys == ""
