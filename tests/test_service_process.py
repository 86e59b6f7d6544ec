"""The service as its users meet it: a real `extractor serve` process on loopback, over HTTP.

Limits (an oversize upload, a wrong format, no token, a malformed body) and the promise that a
document accepted with 202 is never lost, the service killed with SIGKILL in the middle.
"""

from __future__ import annotations

import concurrent.futures
import subprocess
import sys
import time

import httpx
import pytest

from extractor import extract_bytes

from .conftest import DOCS
from .serving import ROOT, Served

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

LI = "li-token-0123456789"
WANG = "wang-token-9876543210"
AS_LI = {"Authorization": f"Bearer {LI}"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("served") / "data"
    with Served(data, tokens={"li": LI, "wang": WANG}, args=("--workers", "1")) as s:
        yield s


def wait_done(url: str, headers: dict[str, str], timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = httpx.get(url, headers=headers, timeout=10).json()
        if body["state"] in ("done", "failed"):
            return body
        time.sleep(0.1)
    raise AssertionError(f"not done within {timeout} s: {body}")


def test_an_upload_is_answered_at_once_and_read_in_the_background(served):
    data = (DOCS / "004_f8b21749840a51ab.txt").read_bytes()
    r = httpx.post(served.url + "/v1/extractions", files={"file": ("004.txt", data)}, headers=AS_LI)
    assert r.status_code == 202, r.text
    assert r.json()["state"] in ("queued", "running") and r.headers["Location"] == f"/v1/extractions/{r.json()['id']}"
    done = wait_done(served.url + r.headers["Location"], AS_LI)
    assert done["state"] == "done" and done["submitted_by"] == "li"
    assert done["result"] == extract_bytes("004.txt", data).model_dump(mode="json"), "the same JSON as extract --json"
    again = httpx.post(served.url + "/v1/extractions", files={"file": ("renamed.txt", data)}, headers={"Authorization": f"Bearer {WANG}"})
    assert (again.status_code, again.json()["id"], again.json()["filename"]) == (200, done["id"], "004.txt")


def chunks(total: int, size: int = 1 << 20):
    block = b"x" * size
    sent = 0
    while sent < total:
        yield block
        sent += size


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_an_oversize_upload_is_413_and_the_service_does_not_grow_by_it(served, declared):
    before = served.peak_mb()
    size = 200 * 1024 * 1024  # four times the default cap
    body = b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n"
    headers = {**AS_LI, "Content-Type": "multipart/form-data; boundary=b"}

    def stream():
        yield body
        yield from chunks(size)
        yield b"\r\n--b--\r\n"

    if declared:
        headers["Content-Length"] = str(len(body) + size + len(b"\r\n--b--\r\n"))
    try:
        r = httpx.post(served.url + "/v1/extractions", content=stream(), headers=headers, timeout=120)
        status, code = r.status_code, r.json()["code"]
    except httpx.RemoteProtocolError:  # the service may close the connection while the client still sends
        pytest.fail("the service closed the connection without answering 413")
    assert (status, code) == (413, "too_large")
    assert served.peak_mb() - before < 50, f"peak memory grew from {before:.0f} MB to {served.peak_mb():.0f} MB"
    assert not list((served.data / "incoming").iterdir()), "the refused upload is not kept"
    assert httpx.get(served.url + "/healthz").json()["ok"]


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_large_json_upload_is_413_and_never_held_in_memory(served, declared):
    """The tester's 48 MB JSON body cost the service 100 MB: now it is refused past 4 MB."""
    before = served.peak_mb()
    headers = {**AS_LI, "Content-Type": "application/json"}

    def stream():
        yield b'{"filename": "big.txt", "text": "'
        yield from chunks(48 * 1024 * 1024)
        yield b'"}'

    if declared:
        headers["Content-Length"] = str(len(b'{"filename": "big.txt", "text": "') + 48 * 1024 * 1024 + 2)
    r = httpx.post(served.url + "/v1/extractions", content=stream(), headers=headers, timeout=120)
    assert (r.status_code, r.json()["code"]) == (413, "too_large") and "multipart/form-data" in r.json()["detail"]
    assert served.peak_mb() - before < 20, f"peak memory grew from {before:.0f} MB to {served.peak_mb():.0f} MB"


@pytest.mark.parametrize(
    "name,data,problem",
    [
        ("report.pdf", b"PK\x03\x04" + b"\x00" * 100, "zip archive"),  # a name that says PDF does not make one
        ("report.doc", bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 600, "legacy Word"),
        ("scan.txt", bytes(range(256)) * 50, "binary"),
    ],
)
def test_a_format_the_extractor_does_not_read_is_415(served, name, data, problem):
    r = httpx.post(served.url + "/v1/extractions", files={"file": (name, data)}, headers=AS_LI)
    assert (r.status_code, r.json()["code"]) == (415, "unsupported_format")
    assert problem in r.json()["detail"] and r.json()["detail"].startswith(name)


def test_the_format_is_told_by_content_not_by_name(served):
    data = (DOCS / "002_eb42678789e3d87b.txt").read_bytes()
    r = httpx.post(served.url + "/v1/extractions", files={"file": ("report.pdf", data)}, headers=AS_LI)
    done = wait_done(served.url + r.headers["Location"], AS_LI)
    assert (done["format"], done["result"]["source"]["format"]) == ("text", "text")
    assert done["result"]["cells"]["s2.licensing.decisions"] == 2554


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token-of-anyone"}, {"Authorization": f"Basic {LI}"}],
    ids=["missing", "wrong", "not-bearer"],
)
@pytest.mark.parametrize("method,path", [("GET", "/v1/reviews"), ("POST", "/v1/extractions"), ("GET", "/v1/extractions/x")])
def test_a_missing_or_wrong_token_is_401(served, headers, method, path):
    r = httpx.request(method, served.url + path, headers=headers, json={"text": "x"})
    assert (r.status_code, r.json()["code"]) == (401, "unauthorized")
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_a_page_without_a_session_goes_to_sign_in(served):
    r = httpx.get(served.url + "/queue")
    assert r.status_code == 303 and r.headers["Location"] == "/signin?after=%2Fqueue"


@pytest.mark.parametrize(
    "kwargs,detail",
    [
        ({"content": b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nabc", "headers": {"Content-Type": "multipart/form-data; boundary=b"}}, "ends before its closing boundary"),
            ({"content": b"--b--\r\n", "headers": {"Content-Type": "multipart/form-data; boundary=b"}}, "no document in the body"),
        ({"content": b"not json", "headers": {"Content-Type": "application/json"}}, "not a JSON body"),
        ({"json": {"filename": "a.txt"}}, 'needs "text"'),
        ({"json": {"text": "x", "path": "/etc/passwd"}}, "unknown field 'path'"),
        ({"files": {"document": ("a.txt", b"x")}}, "unknown form field 'document'"),
        ({"json": {"text": "一、总体情况", "strategy": "psychic"}}, "strategy 'psychic' cannot run here"),
    ],
    ids=["multipart-cut", "multipart-empty", "json-broken", "json-no-text", "json-unknown", "form-unknown", "strategy"],
)
def test_a_malformed_body_is_422_with_a_code(served, kwargs, detail):
    headers = {**AS_LI, **kwargs.pop("headers", {})}
    r = httpx.post(served.url + "/v1/extractions", headers=headers, **kwargs)
    assert (r.status_code, r.json()["code"]) == (422, "bad_input"), r.text
    assert detail in r.json()["detail"]


def test_a_malformed_resolution_is_422_with_a_code(served):
    r = httpx.post(served.url + "/v1/reviews/" + "0" * 64 + "/resolve", json={"cells": "all of them"}, headers=AS_LI)
    assert (r.status_code, r.json()["code"]) == (422, "bad_input") and "cells" in r.json()["detail"]


def test_a_client_given_name_never_reaches_the_file_system(served):
    text = (DOCS / "004_f8b21749840a51ab.txt").read_text(encoding="utf-8") + "\n"
    r = httpx.post(served.url + "/v1/extractions", json={"text": text, "filename": "../../../etc/cron.d/x"}, headers=AS_LI)
    done = wait_done(served.url + r.headers["Location"], AS_LI)
    assert done["filename"] == "x" and done["result"]["source"]["path"] == "x.txt"
    kept = [p.name for p in (served.data / "documents").rglob("*") if p.is_file()]
    assert done["sha256"] in kept and all(len(name) == 64 for name in kept)


def test_without_a_tokens_file_the_service_refuses_to_listen_beyond_loopback(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "extractor", "serve", "--data", str(tmp_path / "d"), "--host", "0.0.0.0"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "error: --host 0.0.0.0: without a tokens file the service serves one local user on loopback only;"
        " give --tokens FILE (or EXTRACTOR_TOKENS_FILE) to serve others"
    ]


def test_every_upload_answered_202_has_a_result_after_a_sigkill_and_a_restart(tmp_path):
    """100 uploads from 8 clients; the service killed with SIGKILL while they go on; started again,
    it finishes every extraction it had answered 202 to."""
    documents = [(f"{i:03d}.txt", text) for i, text in enumerate(texts(100))]
    data = tmp_path / "data"
    served = Served(data, tokens={"li": LI}, args=("--workers", "2", "--max-in-flight", "1000")).start()
    accepted: dict[str, str] = {}  # name -> extraction id
    refused: list[str] = []

    def post(item: tuple[str, str]) -> None:
        name, text = item
        try:
            r = httpx.post(served.url + "/v1/extractions", json={"text": text, "filename": name}, headers=AS_LI, timeout=30)
        except httpx.TransportError:
            refused.append(name)  # no answer: the client does not know it was taken
            return
        if r.status_code == 202:
            accepted[name] = r.json()["id"]
        else:
            refused.append(name)

    with concurrent.futures.ThreadPoolExecutor(8) as clients:
        futures = [clients.submit(post, d) for d in documents]
        while len(accepted) < 40:
            time.sleep(0.01)
        served.kill()
        concurrent.futures.wait(futures)
    assert 40 <= len(accepted) < 100, "the kill came in the middle of the uploads"
    with Served(data, tokens={"li": LI}, port=served.port, args=("--workers", "2")) as again:
        for name, id_ in accepted.items():
            done = wait_done(f"{again.url}/v1/extractions/{id_}", AS_LI, timeout=120)
            assert (done["state"], done["result"]["source"]["path"]) == ("done", name)
        counts = httpx.get(again.url + "/healthz").json()["extractions"]
        assert counts.get("queued", 0) == counts.get("running", 0) == 0


def texts(n: int) -> list[str]:
    """`n` different reports as text: a golden report with its title numbered."""
    base = (DOCS / "004_f8b21749840a51ab.txt").read_text(encoding="utf-8")
    return [f"第{i}号\n{base}" for i in range(n)]
