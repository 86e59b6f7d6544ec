"""The service through its real ASGI app: the API under /v1, the pages, people and their sessions.

The app reads documents in the batch engine's in-process pool here (the work its worker
processes do, in the dispatcher's thread); a client made without entering it (`idle`) runs no background work
at all, so what waits stays waiting. The service as a process is tests/test_service_process.py.
"""

from __future__ import annotations

import csv
import dataclasses
import errno
import io
import json
import re
import socket
import sqlite3
import time

import httpx

import pytest
from fastapi.testclient import TestClient

from extractor import extract_bytes
from extractor.batch import InProcess, Processes
from extractor.batch.processes import WORKER_DIED
from extractor.errors import ConfigError
from extractor.options import RULES_ONLY
from extractor.store import Store
from extractor.web.app import create_app
from extractor.web.guard import CSP
from extractor.web.people import People
from extractor.web.settings import Settings

from .conftest import DOCS

# Worker processes (the batch pool's, and the source panel's) are forked by multiprocessing's
# server, reached over a Unix socket; no network is opened.
FORKSERVER = r".*/pymp-[^/]+/listener-"
pytestmark = pytest.mark.block_network(allowed_hosts=[FORKSERVER])
from .serving import Live
from .doubles.dying_worker import read_or_die_once
from .doubles.full_disk import FullDisk

SHANGHAI = DOCS / "10_shanghai_kewei_2024.md"  # 结转 总计 printed blank: 1 makes it verify
PINGTAN = DOCS / "05_pingtan_2023.txt"  # three cells chosen among several readings
VERIFIED = DOCS / "004_f8b21749840a51ab.txt"
BLANK = "s3.carried_forward.total"
LI, WANG = "li-token-0123456789", "wang-token-9876543210"


def settings(tmp_path, *, tokens: bool = False, **kw) -> Settings:
    if tokens:
        (tmp_path / "tokens.txt").write_text(f"li {LI}\nwang {WANG}\n", encoding="utf-8")
    return Settings.make(data=tmp_path / "data", host="127.0.0.1", tokens=tmp_path / "tokens.txt" if tokens else None, **kw)


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(settings(tmp_path), pool=InProcess), base_url="http://localhost") as c:
        yield c


@pytest.fixture
def team(tmp_path):
    """The service with a tokens file: li and wang."""
    with TestClient(create_app(settings(tmp_path, tokens=True), pool=InProcess), base_url="http://localhost") as c:
        yield c


def post(client, path, name=None, headers=None, **fields):
    data = path.read_bytes() if hasattr(path, "read_bytes") else path
    return client.post("/v1/extractions", files={"file": (name or getattr(path, "name", "doc.txt"), data)}, data=fields, headers=headers)


def done(client, response, headers=None, timeout=30):
    url = f"/v1/extractions/{response.json()['id']}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(url, headers=headers).json()
        if body["state"] in ("done", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"not done: {body}")


def extracted(client, path, headers=None) -> str:
    return done(client, post(client, path, headers=headers), headers)["sha256"]


# --- extractions --------------------------------------------------------------------------------


def test_an_extraction_is_accepted_at_once_and_answers_with_the_result_when_done(client):
    r = post(client, VERIFIED)
    assert r.status_code == 202 and r.json()["new"] is True
    body = done(client, r)
    assert (body["state"], body["status"], body["format"], body["attempts"]) == ("done", "verified", "text", 1)
    assert body["result"] == extract_bytes(VERIFIED.name, VERIFIED.read_bytes()).model_dump(mode="json")


def test_the_same_document_posted_twice_is_the_first_extraction(client):
    first = done(client, post(client, VERIFIED, "a.txt"))
    again = post(client, VERIFIED, "b.txt")
    assert (again.status_code, again.json()["id"], again.json()["new"], again.json()["state"]) == (200, first["id"], False, "done")


def test_json_text_with_a_file_name(client):
    r = client.post("/v1/extractions", json={"text": SHANGHAI.read_text(encoding="utf-8"), "filename": "上海.md"})
    body = done(client, r)
    assert (body["filename"], body["result"]["source"]["path"], body["status"]) == ("上海.md", "上海.md", "needs_review")


def test_an_unknown_extraction_is_404_with_a_code(client):
    r = client.get("/v1/extractions/nope")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


def test_a_document_the_store_read_before_is_done_without_reading_it_again(tmp_path):
    s = settings(tmp_path)
    s.data.mkdir()
    with Store(s.db) as store:
        store.add(extract_bytes("earlier.txt", VERIFIED.read_bytes()), RULES_ONLY.fingerprint)
    with TestClient(create_app(s, pool=InProcess), base_url="http://localhost") as c:
        body = done(c, post(c, VERIFIED, "again.txt"))
        assert body["status"] == "verified" and body["result"]["source"]["path"] == "earlier.txt"
        actions = [e["action"] for e in c.get(f"/v1/documents/{body['sha256']}/history").json()["events"]]
        assert actions == ["extracted", "skipped"]


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_json_upload_past_its_small_cap_is_413_saying_to_send_multipart(tmp_path, declared):
    idle = TestClient(create_app(settings(tmp_path), pool=InProcess), base_url="http://localhost")
    text = "一、总体情况\n" * 400_000  # 7.2 MB as UTF-8
    body = json.dumps({"text": text, "filename": "big.txt"}, ensure_ascii=False).encode()
    content = body if declared else iter([body[i : i + 65536] for i in range(0, len(body), 65536)])
    r = idle.post("/v1/extractions", content=content, headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()["code"]) == (413, "too_large")
    assert r.json()["detail"] == (
        "a JSON body is at most 4 MB: send a larger document as multipart/form-data (the field `file`), which the service streams to disk"
    )
    assert not list((tmp_path / "data" / "incoming").iterdir())
    assert post(idle, text.encode(), "big.txt").status_code == 202, "as multipart the same document is taken"


def test_too_many_in_flight_is_429_with_retry_after(tmp_path):
    idle = TestClient(create_app(settings(tmp_path, max_in_flight=2), pool=InProcess), base_url="http://localhost")
    texts = [f"第{i}号\n" + VERIFIED.read_text(encoding="utf-8") for i in range(3)]
    codes = [idle.post("/v1/extractions", json={"text": t}).status_code for t in texts]
    assert codes == [202, 202, 429]
    r = idle.post("/v1/extractions", json={"text": "again"})
    assert r.json()["code"] == "too_many_in_flight" and r.headers["Retry-After"] == "5"
    assert "has 2 extractions waiting or being read" in r.json()["detail"]


def test_extractions_accepted_but_not_read_are_read_by_the_next_start(tmp_path):
    s = settings(tmp_path)
    idle = TestClient(create_app(s, pool=InProcess), base_url="http://localhost")
    r = idle.post("/v1/extractions", json={"text": VERIFIED.read_text(encoding="utf-8"), "filename": "a.txt"})
    assert r.status_code == 202 and idle.get(r.headers["Location"]).json()["state"] == "queued"
    with TestClient(create_app(s, pool=InProcess), base_url="http://localhost") as again:
        assert done(again, r)["status"] == "verified"


def test_a_worker_killed_mid_document_costs_a_reading_and_one_that_kills_it_twice_fails_alone(tmp_path):
    """The service's pool is the batch's: documents in flight when a worker dies are read again,
    one at a time; the one that kills its worker again ends with a failed result saying so."""
    base = VERIFIED.read_text(encoding="utf-8")
    posted = {name: f"第{i}号\n{base}" for i, name in enumerate(("a.txt", "once.txt", "die.txt", "b.txt"))}
    one_worker = lambda options: Processes(options, 1, task=read_or_die_once)  # noqa: E731
    with TestClient(create_app(settings(tmp_path), pool=one_worker), base_url="http://localhost") as c:
        # once.txt first, alone: read again at once after its crash. Among the others it might
        # first be read in the one-at-a-time pass after die.txt's crash, where a document that
        # kills its worker is failed, which is what that pass is for.
        post = lambda name: c.post("/v1/extractions", json={"text": posted[name], "filename": name})  # noqa: E731
        got = {"once.txt": done(c, post("once.txt"), timeout=120)}
        accepted = {name: post(name) for name in posted if name != "once.txt"}
        got |= {name: done(c, r, timeout=120) for name, r in accepted.items()}
    assert {name: body["state"] for name, body in got.items()} == dict.fromkeys(posted, "done")
    assert (got["die.txt"]["status"], got["die.txt"]["result"]["error"]) == ("failed", f"die.txt: {WORKER_DIED}")
    for name in ("a.txt", "once.txt", "b.txt"):
        assert got[name]["result"] == extract_bytes(name, posted[name].encode()).model_dump(mode="json"), name
    assert any((tmp_path / "data" / "documents").rglob("*.killed")), "once.txt did kill its worker"


# --- reviews over the API ------------------------------------------------------------------------


def test_review_round_trip(client):
    sha = extracted(client, SHANGHAI)
    page = client.get("/v1/reviews").json()
    (item,) = page["items"]
    assert (item["sha256"], page["total"], page["next"], page["reasons"]) == (
        sha, 1, None, {"cells_not_read": 1, "identity_not_assessable": 1},
    )  # fmt: skip
    detail = client.get(f"/v1/reviews/{sha}").json()
    assert detail["result"]["provenance"][BLANK]["kind"] == "blank" and detail["version"] == 1
    r = client.post(f"/v1/reviews/{sha}/resolve", json={"cells": {BLANK: 1}, "version": 1})
    local = client.app.state.service.people.local
    assert (r.status_code, r.json()["state"], r.json()["status"], r.json()["reviewer"]) == (200, "resolved", "verified", local)
    again = client.post(f"/v1/reviews/{sha}/resolve", json={"accept": True, "note": "x"})
    assert (again.status_code, again.json()["code"]) == (409, "conflict") and "already resolved (corrected, by" in again.json()["detail"]


def test_two_reviewers_on_one_document_the_second_is_told_who_changed_it_and_when(team):
    li, wang = {"Authorization": f"Bearer {LI}"}, {"Authorization": f"Bearer {WANG}"}
    sha = extracted(team, SHANGHAI, li)
    first = team.post(f"/v1/reviews/{sha}/resolve", json={"cells": {BLANK: 2}, "version": 1}, headers=li)
    assert (first.status_code, first.json()["state"], first.json()["changed_by"]) == (200, "open", "li")
    stale = team.post(f"/v1/reviews/{sha}/resolve", json={"cells": {BLANK: 1}, "version": 1}, headers=wang)
    assert stale.status_code == 409
    assert re.match(r"changed by li at \d\d:\d\d on \d{4}-\d\d-\d\d \(UTC\)", stale.json()["detail"])
    assert team.get(f"/v1/documents/{sha}", headers=li).json()["cells"][BLANK] == 2, "nothing overwritten"


def test_a_token_decides_in_its_own_name(team):
    li = {"Authorization": f"Bearer {LI}"}
    sha = extracted(team, SHANGHAI, li)
    r = team.post(f"/v1/reviews/{sha}/resolve", json={"cells": {BLANK: 1}, "reviewer": "wang"}, headers=li)
    assert (r.status_code, r.json()["code"]) == (422, "bad_input") and "not wang's" in r.json()["detail"]
    ok = team.post(f"/v1/reviews/{sha}/resolve", json={"cells": {BLANK: 1}}, headers=li)
    assert ok.json()["reviewer"] == "li"


@pytest.mark.parametrize(
    "body,code",
    [({"accept": True}, "bad_input"), ({"cells": {"s9.nope": 1}}, "bad_input"), ({"cells": {BLANK: "one"}}, "bad_input"), ({"verdict": "ok"}, "bad_input")],
)
def test_bad_resolutions_are_422_with_a_code(client, body, code):
    sha = extracted(client, SHANGHAI)
    r = client.post(f"/v1/reviews/{sha}/resolve", json=body)
    assert (r.status_code, r.json()["code"]) == (422, code)


def test_the_queue_filters_and_pages(client):
    extracted(client, SHANGHAI)
    extracted(client, PINGTAN)
    first = client.get("/v1/reviews", params={"limit": 1}).json()
    second = client.get("/v1/reviews", params={"limit": 1, "after": first["next"]}).json()
    assert first["total"] == 2 and second["next"] is None
    assert {first["items"][0]["path"], second["items"][0]["path"]} == {SHANGHAI.name, PINGTAN.name}
    only = client.get("/v1/reviews", params={"reason": "ambiguous_reading"}).json()
    assert [i["path"] for i in only["items"]] == [PINGTAN.name]
    assert client.get("/v1/reviews", params={"after": "nonsense"}).json()["code"] == "bad_input"
    assert client.get("/v1/reviews", params={"format": "exe"}).status_code == 422


def test_the_cells_csv_marks_a_correction_and_who_made_it(team):
    li = {"Authorization": f"Bearer {LI}"}
    sha = extracted(team, SHANGHAI, li)
    team.post(f"/v1/reviews/{sha}/resolve", json={"cells": {BLANK: 1}}, headers=li)
    r = team.get(f"/v1/documents/{sha}/cells.csv", headers=li)
    assert r.headers["content-type"].startswith("text/csv") and "attachment" in r.headers["content-disposition"]
    rows = {row["key"]: row for row in csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")))}
    cell = rows[BLANK]
    assert (cell["value"], cell["extracted"], cell["corrected"], cell["reviewer"]) == ("1", "", "yes", "li")
    assert (cell["table"], cell["row"], cell["column"]) == ("三", "四、结转下年度继续办理", "总计")
    assert rows["s3.new_received.total"]["corrected"] == "no" and len(rows) == len(team.get(f"/v1/documents/{sha}", headers=li).json()["cells"])


def test_a_documents_history_has_its_extractions_runs_corrections_and_decisions(team):
    li = {"Authorization": f"Bearer {LI}"}
    sha = extracted(team, SHANGHAI, li)
    team.post(f"/v1/reviews/{sha}/resolve", json={"cells": {BLANK: 1}}, headers=li)
    h = team.get(f"/v1/documents/{sha}/history", headers=li).json()
    assert [(e["submitted_by"], e["state"]) for e in h["extractions"]] == [("li", "done")]
    assert [(e["actor"], e["action"]) for e in h["events"]] == [
        ("extractor", "extracted"), ("extractor", "review_opened"), ("li", "cell_corrected"), ("li", "review_resolved"),
    ]  # fmt: skip
    assert [r["strategy"] for r in h["runs"]] == ["rules"]


def test_healthz_and_the_api_reference_work_offline(client):
    assert client.get("/healthz").json()["ok"] is True
    page = client.get("/docs")
    assert page.status_code == 200 and "/v1/extractions" in page.text
    assert not re.search(r"""(src|href)=["']https?://""", page.text), "nothing is loaded from elsewhere"
    assert "/v1/reviews/{sha256}/resolve" in client.get("/openapi.json").json()["paths"]


# --- people -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,problem",
    [
        ("li\n", "line 1: expected a name and a token"),
        ("li short\n", "shorter than 12 characters"),
        (f"li {LI}\nwang {LI}\n", "line 2: the token of wang is also li's"),
        (f"li {LI}\nli {WANG}\n", "line 2: li is named twice"),
        ("# nobody\n", "no tokens in the file"),
    ],
)
def test_a_bad_tokens_file_is_one_line_naming_it(text, problem):
    with pytest.raises(ConfigError, match=problem):
        People.parse(text, "tokens.txt")


def test_pages_need_a_session_and_the_session_a_token(team):
    r = team.get("/documents/abc?cell=x", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/signin?after=%2Fdocuments%2Fabc%3Fcell%3Dx"
    wrong = team.post("/signin", data={"token": "guess-guess-guess", "after": "/queue"}, follow_redirects=False)
    assert wrong.status_code == 401 and "not one the service knows" in wrong.text
    away = team.post("/signin", data={"token": LI, "after": "//evil.example/"}, follow_redirects=False)
    assert (away.status_code, away.headers["location"]) == (303, "/"), "never to another site"
    assert "li" in team.get("/queue").text
    assert team.get("/v1/reviews").status_code == 200, "a signed-in browser reads the API"
    assert team.post("/v1/extractions", json={"text": "x"}).status_code == 401, "but changes nothing through it"


def test_a_forged_session_cookie_is_no_session(team):
    team.cookies.set("extractor_session", "bGkKMQp4.0000")
    assert team.get("/queue", follow_redirects=False).status_code == 303


def signed_in(app, token: str) -> TestClient:
    c = TestClient(app, base_url="http://localhost")
    assert c.post("/signin", data={"token": token}, follow_redirects=False).status_code == 303
    return c


def test_signing_out_ends_the_session_for_good_even_for_a_copy_of_its_cookie(tmp_path):
    s = settings(tmp_path, tokens=True)
    with TestClient(create_app(s, pool=InProcess), base_url="http://localhost") as team:
        li = signed_in(team.app, LI)
        cookie = li.cookies["extractor_session"]
        page = li.get("/queue").text
        assert li.post("/signout", data={"csrf": csrf_of(page)}, follow_redirects=False).status_code == 303
        copy = TestClient(team.app, base_url="http://localhost", cookies={"extractor_session": cookie})
        assert copy.get("/queue", follow_redirects=False).status_code == 303, "the page asks to sign in"
        assert copy.get("/v1/reviews").status_code == 401, "the API takes the cookie no more"
        assert signed_in(team.app, LI).get("/queue").status_code == 200, "signing in again makes a new session"
    again = TestClient(create_app(s, pool=InProcess), base_url="http://localhost", cookies={"extractor_session": cookie})
    assert again.get("/queue", follow_redirects=False).status_code == 303, "a restart does not bring it back"


def test_a_session_ends_when_the_tokens_file_no_longer_gives_its_token(tmp_path):
    s = settings(tmp_path, tokens=True)
    app = create_app(s, pool=InProcess)
    li, wang = signed_in(app, LI), signed_in(app, WANG)
    assert li.get("/v1/reviews").status_code == wang.get("/v1/reviews").status_code == 200
    rotated = "li-token-rotated-000000"
    (tmp_path / "tokens.txt").write_text(f"li {rotated}\nwang {WANG}\n", encoding="utf-8")
    assert li.get("/queue", follow_redirects=False).status_code == 303 and li.get("/v1/reviews").status_code == 401
    assert wang.get("/queue").status_code == 200, "another person's session is untouched"
    bearer = lambda token: li.get("/v1/reviews", headers={"Authorization": f"Bearer {token}"}).status_code  # noqa: E731
    assert (bearer(LI), bearer(rotated)) == (401, 200)
    assert signed_in(app, rotated).get("/queue").status_code == 200
    (tmp_path / "tokens.txt").write_text(f"wang {WANG}\n", encoding="utf-8")  # li taken out
    assert wang.get("/queue").status_code == 200 and bearer(rotated) == 401


def test_a_tokens_file_that_cannot_be_used_keeps_the_people_it_gave(tmp_path, caplog):
    app = create_app(settings(tmp_path, tokens=True), pool=InProcess)
    li = signed_in(app, LI)
    (tmp_path / "tokens.txt").write_text("li\n", encoding="utf-8")  # half written
    assert li.get("/queue").status_code == 200
    assert "the tokens file changed but cannot be used" in caplog.text


def test_without_a_tokens_file_only_loopback_names_are_served(tmp_path):
    with pytest.raises(ConfigError, match="loopback only"):
        settings_for_host(tmp_path, "0.0.0.0")
    c = TestClient(create_app(settings(tmp_path), pool=InProcess), base_url="http://attacker.example")
    assert c.get("/healthz").status_code == 400, "a page of another site, resolved to 127.0.0.1, is refused"


def settings_for_host(tmp_path, host):
    return Settings.make(data=tmp_path / "d", host=host)


# --- the pages ----------------------------------------------------------------------------------


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def version_of(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_the_document_page_lights_the_questioned_cell_says_why_and_shows_its_source(client):
    sha = extracted(client, SHANGHAI)
    page = client.get(f"/documents/{sha}").text
    assert re.search(rf'id="cell-{re.escape(BLANK)}"[^>]*class="cell lit[^"]*selected blank"', page)
    assert "<h2>三、收到和处理政府信息公开申请情况</h2>" in page and "四、结转下年度继续办理" in page
    why = page[page.index('id="why"') : page.index('id="source"')]
    assert "Printed blank." in why and "H1.total" in why and "cannot be checked" in why
    assert 'name="cell:s3.carried_forward.total" value="1"' in why, "the value every identity needs, one click away"
    source = page[page.index('id="source"') : page.index('class="actions"')]
    assert '<span class="no">178</span>' in source and "| 四、结转下年度继续办理 |" in source


def test_a_correction_from_the_page_verifies_and_opens_the_next_document(client):
    first, second = extracted(client, SHANGHAI), extracted(client, PINGTAN)
    page = client.get(f"/documents/{first}").text
    form = {"csrf": csrf_of(page), "version": version_of(page), "cell": BLANK, f"cell:{BLANK}": "1"}
    r = client.post(f"/documents/{first}/correct", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/documents/{second}?resolved={first}"
    shown = client.get(r.headers["location"]).text
    assert "resolved-before" in shown and "corrected by" in shown
    now = client.get(f"/documents/{first}").text
    assert re.search(r'id="status">verified<', now) and "H1.total" in now[now.index('id="now-hold"') :]


def test_a_correction_that_does_not_verify_says_what_holds_now(client):
    sha = extracted(client, SHANGHAI)
    page = client.get(f"/documents/{sha}").text
    form = {"csrf": csrf_of(page), "version": version_of(page), "cell": BLANK, f"cell:{BLANK}": "2"}
    r = client.post(f"/documents/{sha}/correct", data=form)
    assert r.status_code == 200 and 'id="saved"' in r.text and "Still not holding: H1.total, H3.carried_forward" in r.text


def test_a_reading_among_several_is_a_one_click_choice(client):
    sha = extracted(client, PINGTAN)
    page = client.get(f"/documents/{sha}").text
    assert "split by plausibility among 21 readings" in page
    form = {"csrf": csrf_of(page), "version": version_of(page), "choice": "1",
            "cell:s2.normative_docs.issued": "77", "cell:s2.normative_docs.repealed": "132", "cell:s2.normative_docs.in_force": "470"}  # fmt: skip
    r = client.post(f"/documents/{sha}/correct", data=form, follow_redirects=False)
    assert r.status_code == 303 and client.get(f"/v1/documents/{sha}").json()["status"] == "verified"


def test_a_form_without_its_csrf_token_is_refused(client):
    sha = extracted(client, SHANGHAI)
    page = client.get(f"/documents/{sha}").text
    r = client.post(f"/documents/{sha}/correct", data={"version": version_of(page), f"cell:{BLANK}": "1"})
    assert r.status_code == 403 and "CSRF" in r.text
    assert client.get(f"/v1/reviews/{sha}").json()["state"] == "open"


def test_accepting_as_printed_needs_a_note(client):
    sha = extracted(client, SHANGHAI)
    page = client.get(f"/documents/{sha}").text
    r = client.post(f"/documents/{sha}/accept", data={"csrf": csrf_of(page), "version": version_of(page), "note": " "})
    assert r.status_code == 422 and "needs a note" in r.text
    ok = client.post(f"/documents/{sha}/accept", data={"csrf": csrf_of(page), "version": version_of(page), "note": "as printed"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == f"/queue?resolved={sha}"
    assert client.get(f"/v1/reviews/{sha}").json()["resolution"] == "accepted"


def test_a_stale_page_is_409_saying_who_changed_it_and_nothing_is_overwritten(team):
    li, wang = TestClient(team.app, base_url="http://localhost"), TestClient(team.app, base_url="http://localhost")
    sha = extracted(team, SHANGHAI, {"Authorization": f"Bearer {LI}"})
    for c, token in ((li, LI), (wang, WANG)):
        c.post("/signin", data={"token": token})
    li_page, wang_page = li.get(f"/documents/{sha}").text, wang.get(f"/documents/{sha}").text
    li.post(f"/documents/{sha}/correct", data={"csrf": csrf_of(li_page), "version": version_of(li_page), f"cell:{BLANK}": "2"})
    r = wang.post(f"/documents/{sha}/correct", data={"csrf": csrf_of(wang_page), "version": version_of(wang_page), f"cell:{BLANK}": "1"})
    assert r.status_code == 409 and re.search(r"changed by li at \d\d:\d\d", r.text)
    assert li.get(f"/v1/documents/{sha}").json()["cells"][BLANK] == 2


def test_the_queue_page_filters_counts_reasons_and_pages(tmp_path):
    s = settings(tmp_path)
    s.data.mkdir()
    with Store(s.db) as store:
        base = SHANGHAI.read_text(encoding="utf-8")
        with store.batch(every=100):
            for i in range(60):
                store.add(extract_bytes(f"{i:02d}.md", f"<!-- {i} -->\n{base}".encode()), RULES_ONLY.fingerprint)
        store.add(extract_bytes(PINGTAN.name, PINGTAN.read_bytes()), RULES_ONLY.fingerprint)
    with TestClient(create_app(s, pool=InProcess), base_url="http://localhost") as c:
        page = c.get("/queue").text
        assert "61 open" in page and page.count('class="doc"') == 50
        assert re.search(r"ambiguous_reading <b>1</b>", page) and re.search(r"cells_not_read <b>60</b>", page)
        following = re.search(r'href="(/queue\?[^"]*after=[^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
        assert c.get(following).text.count('class="doc"') == 11
        only = c.get("/queue", params={"reason": "ambiguous_reading"}).text
        assert only.count('class="doc"') == 1 and PINGTAN.name in only
        assert c.get("/queue", params={"year": "20x4"}).status_code == 422


def test_the_add_page_takes_a_document_and_shows_its_extraction(client):
    page = client.get("/add").text
    r = client.post("/add", files={"file": ("a.txt", VERIFIED.read_bytes())}, data={"csrf": csrf_of(page)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/extractions/")
    forged = client.post("/add", files={"file": ("b.txt", PINGTAN.read_bytes())}, data={"csrf": "x"})
    assert forged.status_code == 403 and client.get("/v1/reviews").json()["total"] == 0


def test_wait_answers_once_the_extraction_is_done_or_when_the_time_is_up(tmp_path, client):
    r = post(client, VERIFIED)
    assert client.get(r.headers["Location"], params={"wait": 30}).json()["state"] == "done"
    (tmp_path / "idle").mkdir()
    idle = TestClient(create_app(settings(tmp_path / "idle"), pool=InProcess), base_url="http://localhost")
    queued = idle.post("/v1/extractions", json={"text": VERIFIED.read_text(encoding="utf-8")})
    start = time.monotonic()
    assert idle.get(queued.headers["Location"], params={"wait": 0.3}).json()["state"] == "queued"
    assert time.monotonic() - start >= 0.3
    assert idle.get(queued.headers["Location"], params={"wait": 61}).json()["code"] == "bad_input"


# --- faults: a full disk, a dispatcher that fails ---------------------------------------------------


def healthz_until(client, status: int, timeout: float = 15) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = client.get("/healthz")
        if r.status_code == status:
            return r.json()
        time.sleep(0.05)
    raise AssertionError(f"/healthz never answered {status}: {r.status_code} {r.text}")


@pytest.mark.parametrize(
    "refused",
    ["UPDATE extractions SET state = 'running'", "INSERT INTO documents", "UPDATE extractions SET state = 'done'", "COMMIT"],
    ids=["taking", "keeping", "finishing", "commit"],
)
def test_a_full_disk_fails_the_dispatcher_truthfully_and_once_freed_every_upload_completes(tmp_path, refused):
    app = create_app(settings(tmp_path), pool=InProcess)
    first = TestClient(app, base_url="http://localhost").post("/v1/extractions", json={"text": VERIFIED.read_text(encoding="utf-8")})
    assert first.status_code == 202  # accepted before the disk filled, not yet read
    svc = app.state.service
    svc.store.db = disk = FullDisk(svc.store.db, refuse=(refused,))
    with TestClient(app, base_url="http://localhost") as c:
        sick = healthz_until(c, 503)
        assert (sick["ok"], sick["code"], sick["dispatcher"]["alive"]) == (False, "dispatcher_failing", True)
        assert "the disk is full (database or disk is full)" in sick["detail"] and sick["dispatcher"]["error"]
        assert c.get(first.headers["Location"]).json()["state"] in ("queued", "running") and disk.refused
        disk.full = False
        second = post(c, SHANGHAI)
        assert second.status_code == 202
        assert done(c, first)["status"] == "verified" and done(c, second)["status"] == "needs_review"
        well = healthz_until(c, 200)
        assert (well["ok"], well["dispatcher"]["error"], well["dispatcher"]["queued"], well["dispatcher"]["running"]) == (True, None, 0, 0)
        assert well["extractions"] == {"done": 2}


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_dispatcher_whose_thread_died_is_503_saying_so(client, monkeypatch):
    dispatcher = client.app.state.service.dispatcher

    def die() -> None:
        raise SystemExit("a bug past every handler")

    monkeypatch.setattr(dispatcher, "_pass", die)
    dispatcher.wake()
    body = healthz_until(client, 503)
    assert (body["code"], body["dispatcher"]["alive"]) == ("dispatcher_dead", False)
    assert "accepted documents are not being read" in body["detail"]


def test_a_dispatcher_that_makes_no_progress_is_503_stuck(tmp_path):
    app = create_app(dataclasses.replace(settings(tmp_path), stuck_after=1.0), pool=InProcess)
    with TestClient(app, base_url="http://localhost") as c:
        healthy = c.get("/healthz").json()
        assert healthy["ok"] and healthy["dispatcher"]["last_progress"]
        time.sleep(1.5)  # idle, it looks at the queue every 5 s: no progress for longer than 1 s
        r = c.get("/healthz")
        assert (r.status_code, r.json()["code"]) == (503, "dispatcher_stuck") and re.search(r"no progress for \d+ s", r.json()["detail"])


def test_an_error_storing_one_result_fails_that_extraction_alone_after_its_attempts(client, monkeypatch):
    from extractor.web import worker

    real = worker.keep

    def broken_for_one(store, done, fingerprint):
        if done.name.startswith("bad"):
            raise sqlite3.IntegrityError("a bug in storing this one")
        return real(store, done, fingerprint)

    monkeypatch.setattr(worker, "keep", broken_for_one)
    monkeypatch.setattr(client.app.state.service.dispatcher, "backoff", (0.01, 0.05))
    bad = client.post("/v1/extractions", json={"text": "第1号\n" + VERIFIED.read_text(encoding="utf-8"), "filename": "bad.txt"})
    good = client.post("/v1/extractions", json={"text": "第2号\n" + VERIFIED.read_text(encoding="utf-8"), "filename": "good.txt"})
    assert done(client, good)["status"] == "verified"
    failed = done(client, bad)
    assert (failed["state"], failed["attempts"]) == ("failed", 3)
    assert failed["error"] == "its result could not be stored (IntegrityError: a bug in storing this one); please report it"
    assert healthz_until(client, 200)["ok"]


def test_an_upload_the_disk_cannot_hold_is_507_and_nothing_of_it_is_kept(client, monkeypatch):
    from extractor.web import uploads

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(uploads._Sink, "write", full)
    r = post(client, VERIFIED)
    assert (r.status_code, r.json()["code"]) == (507, "disk_full") and "\n" not in r.json()["detail"]
    assert r.json()["detail"].startswith("the disk is full: the upload could not be stored")
    data = client.app.state.service.settings.data
    assert not list((data / "incoming").iterdir()) and not list((data / "documents").rglob("*"))
    assert client.get("/healthz").json()["extractions"] == {}


def test_an_upload_whose_extraction_cannot_be_recorded_is_507_and_its_copy_is_not_kept(client):
    svc = client.app.state.service
    svc.store.db = FullDisk(svc.store.db, refuse=("INSERT OR IGNORE INTO extractions",))
    r = post(client, VERIFIED)
    assert (r.status_code, r.json()["code"]) == (507, "disk_full")
    assert not [p for p in (svc.settings.data / "documents").rglob("*") if p.is_file()], "no document without its extraction"
    svc.store.db.full = False
    assert done(client, post(client, VERIFIED))["status"] == "verified", "the same upload, once there is room"


def test_a_decision_the_disk_cannot_hold_is_507_and_the_store_takes_the_next(client):
    sha = extracted(client, SHANGHAI)
    svc = client.app.state.service
    svc.store.db = FullDisk(svc.store.db, refuse=("COMMIT",))
    r = client.post(f"/v1/reviews/{sha}/resolve", json={"cells": {BLANK: 1}, "version": 1})
    assert (r.status_code, r.json()["code"]) == (507, "disk_full")
    page = client.get(f"/documents/{sha}").text
    form = {"csrf": csrf_of(page), "version": version_of(page), "cell": BLANK, f"cell:{BLANK}": "1"}
    shown = client.post(f"/documents/{sha}/correct", data=form)
    assert shown.status_code == 507 and "disk_full" in shown.text and "<html" in shown.text
    svc.store.db.full = False
    assert client.get(f"/v1/reviews/{sha}").json()["state"] == "open", "nothing of it was kept"
    ok = client.post(f"/v1/reviews/{sha}/resolve", json={"cells": {BLANK: 1}, "version": 1})
    assert (ok.status_code, ok.json()["status"]) == (200, "verified")


# --- fairness: people take turns ------------------------------------------------------------------


class Recording(InProcess):
    """The in-process pool, noting the order documents are given to it in."""

    order: list[str] = []

    def submit(self, seq, work):
        Recording.order.append(work.name)
        super().submit(seq, work)


def test_queued_extractions_are_read_person_by_person_in_turn_each_persons_oldest_first(tmp_path):
    zhao = "zhao-token-5555555555"
    (tmp_path / "tokens.txt").write_text(f"li {LI}\nwang {WANG}\nzhao {zhao}\n", encoding="utf-8")
    s = Settings.make(data=tmp_path / "data", host="127.0.0.1", tokens=tmp_path / "tokens.txt")
    app = create_app(s, pool=Recording)
    idle = TestClient(app, base_url="http://localhost")
    base = VERIFIED.read_text(encoding="utf-8")
    queued = [("li", LI, f"li{i}.txt") for i in range(5)] + [("zhao", zhao, "zhao0.txt"), ("wang", WANG, "wang0.txt"), ("zhao", zhao, "zhao1.txt")]
    for n, (_, token, name) in enumerate(queued):
        r = idle.post("/v1/extractions", json={"text": f"第{n}号\n{base}", "filename": name}, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 202
    Recording.order = []
    with TestClient(app, base_url="http://localhost") as c:
        deadline = time.monotonic() + 30
        while c.get("/healthz").json()["extractions"] != {"done": len(queued)} and time.monotonic() < deadline:
            time.sleep(0.05)
    assert Recording.order == ["li0.txt", "wang0.txt", "zhao0.txt", "li1.txt", "zhao1.txt", "li2.txt", "li3.txt", "li4.txt"]


def test_one_persons_many_documents_do_not_hold_back_anothers_one(tmp_path):
    """wang's one document, posted after li's ten, is the second read."""
    app = create_app(settings(tmp_path, tokens=True, max_in_flight=20), pool=Recording)
    idle = TestClient(app, base_url="http://localhost")
    base = VERIFIED.read_text(encoding="utf-8")
    for i in range(10):
        idle.post("/v1/extractions", json={"text": f"第{i}号\n{base}", "filename": f"li{i}.txt"}, headers={"Authorization": f"Bearer {LI}"})
    one = idle.post("/v1/extractions", json={"text": SHANGHAI.read_text(encoding="utf-8"), "filename": "wang.md"}, headers={"Authorization": f"Bearer {WANG}"})
    Recording.order = []
    with TestClient(app, base_url="http://localhost") as c:
        body = done(c, one, {"Authorization": f"Bearer {WANG}"})
        assert body["state"] == "done" and Recording.order[:2] == ["li0.txt", "wang.md"]


# --- hostile requests: other sites, slow and large bodies, headers ------------------------------------


EVIL = "http://evil.example"


@pytest.mark.parametrize(
    "headers,status",
    [
        ({}, 202),  # curl, a script: no page behind it
        ({"Origin": "http://localhost"}, 202),  # this service's own page
        ({"Referer": "http://localhost/add"}, 202),  # an older browser: no Origin, a Referer of its own
        ({"Origin": EVIL}, 403),
        ({"Origin": "null"}, 403),  # a sandboxed frame, a file, a redirect from elsewhere
        ({"Origin": "http://localhost:8001"}, 403),  # another port is another origin
        ({"Referer": f"{EVIL}/page.html"}, 403),
        ({"Origin": EVIL, "Referer": "http://localhost/add"}, 403),  # the Origin decides
        ({"Origin": EVIL, "Authorization": "Bearer any-token-here"}, 202),  # a page cannot send one cross-origin
    ],
    ids=["none", "same-origin", "same-referer", "evil", "null", "other-port", "evil-referer", "evil-origin-own-referer", "bearer"],
)
def test_a_change_from_another_sites_page_is_refused_without_a_token(client, headers, status):
    r = client.post("/v1/extractions", json={"text": VERIFIED.read_text(encoding="utf-8")}, headers=headers)
    assert r.status_code == status, r.text
    if status == 403:
        assert r.json()["code"] == "cross_origin" and "\n" not in r.json()["detail"]
        assert client.get("/healthz").json()["extractions"] == {}, "nothing was accepted"


def test_a_cross_origin_form_is_refused_before_it_is_read_and_a_same_origin_one_works(team):
    r = team.post("/signin", data={"token": LI}, headers={"Origin": EVIL}, follow_redirects=False)
    assert r.status_code == 403 and "cross_origin" in r.text and "<html" in r.text and "extractor_session" not in r.headers.get("set-cookie", "")
    ok = team.post("/signin", data={"token": LI}, headers={"Origin": "http://localhost"}, follow_redirects=False)
    assert ok.status_code == 303 and "extractor_session" in ok.headers["set-cookie"]
    page = team.get("/add").text
    forged = team.post("/add", files={"file": ("a.txt", VERIFIED.read_bytes())}, data={"csrf": csrf_of(page)}, headers={"Origin": EVIL})
    assert forged.status_code == 403 and team.get("/v1/reviews").json()["total"] == 0
    assert team.get("/queue", headers={"Origin": EVIL}).status_code == 200, "reading is not changing"


def test_every_response_carries_the_security_headers(tmp_path):
    app = create_app(settings(tmp_path), pool=InProcess)
    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as c:
        sha = extracted(c, SHANGHAI)
        answers = {
            "page": c.get(f"/documents/{sha}"), "api": c.get("/v1/reviews"), "static": c.get("/static/style.css"),
            "not found": c.get("/nope"), "invalid": c.get("/v1/reviews", params={"limit": 0}),
            "cross origin": c.post("/v1/extractions", json={"text": "x"}, headers={"Origin": EVIL}),
            "wrong host": TestClient(app, base_url="http://attacker.example").get("/healthz"),
        }  # fmt: skip
        app.state.service.reading = lambda: 1 / 0
        answers["internal"] = c.get("/v1/reviews")
    assert answers["internal"].status_code == 500 and answers["wrong host"].status_code == 400
    for name, r in answers.items():
        assert r.headers.get("content-security-policy") == CSP, name
        assert (r.headers.get("x-frame-options"), r.headers.get("x-content-type-options"), r.headers.get("referrer-policy")) == (
            "DENY", "nosniff", "same-origin",
        ), name  # fmt: skip


def test_the_pages_need_nothing_the_content_security_policy_forbids(client):
    """No inline script, style or handler, no picture or script from elsewhere or from data:."""
    sha = extracted(client, SHANGHAI)
    pages = [client.get(p).text for p in (
        "/queue", f"/documents/{sha}", "/add", "/docs", f"/extractions/{done(client, post(client, PINGTAN))['id']}",
        "/bulk?action=suggestions", "/bulk?action=accept",
    )]  # fmt: skip
    for html in pages:
        assert not re.search(r"<script(?![^>]*\bsrc=\"/)", html), "an inline script"
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=|javascript:", html, re.I), "an inline style or handler"
        assert not re.search(r"""(src|href)=["'](https?:|//|data:)""", html), "something from elsewhere"


def test_a_decision_or_form_larger_than_it_can_be_is_413(client):
    sha = extracted(client, SHANGHAI)
    big = {"cells": {BLANK: 1}, "note": "x" * (2 * 1024 * 1024)}
    r = client.post(f"/v1/reviews/{sha}/resolve", json=big)
    assert (r.status_code, r.json()["code"]) == (413, "too_large")
    page = client.post(f"/documents/{sha}/accept", data={"csrf": "x", "version": "1", "note": "x" * (2 * 1024 * 1024)})
    assert page.status_code == 413 and "<html" in page.text
    assert client.get(f"/v1/reviews/{sha}").json()["state"] == "open"


def _slow_post(url: str, body: bytes, *, pause: float, chunk: int, headers: str = "") -> tuple[bytes, float]:
    """POST `body` to /v1/extractions `chunk` bytes every `pause` seconds, on a raw socket; what
    the service answered (up to its closing the connection, or 15 s) and when it answered."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            f"POST /v1/extractions HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{headers}\r\n".encode()
        )
        sock.settimeout(pause)
        start, got, answered = time.monotonic(), b"", None
        sent = 0
        while time.monotonic() - start < 15:
            if sent < len(body) and answered is None:
                sock.sendall(body[sent : sent + chunk])
                sent += chunk
            try:
                data = sock.recv(65536)
            except TimeoutError:
                continue
            except ConnectionResetError:
                data = b""  # closed with a byte of ours unread: what it said before is what counts
            if answered is None:
                answered = time.monotonic() - start
            if not data:
                return got, answered
            got += data
        raise AssertionError(f"the connection was not closed within 15 s: {got!r}")


@pytest.mark.block_network(allowed_hosts=["127.0.0.1", FORKSERVER])
def test_a_body_sent_a_byte_at_a_time_is_cut_with_408_and_its_connection_closed(tmp_path):
    app = create_app(settings(tmp_path, body_timeout=1.0), pool=InProcess)
    with Live(app) as live:
        # A byte every 0.7 s: none is on its way when the service, after 1 s, answers and closes.
        answer, after = _slow_post(live.url, b'{"text": "' + b"x" * 1000 + b'"}', pause=0.7, chunk=1)
        assert answer.startswith(b"HTTP/1.1 408 "), answer
        assert 1.0 <= after < 4, f"answered after {after:.1f} s"
        head, _, body = answer.partition(b"\r\n\r\n")
        assert b"connection: close" in head.lower() and json.loads(body)["code"] == "body_timeout"
        assert httpx.get(live.url + "/healthz").json()["extractions"] == {} and not list((tmp_path / "data" / "incoming").iterdir())


@pytest.mark.block_network(allowed_hosts=["127.0.0.1", FORKSERVER])
def test_a_body_that_comes_slowly_but_steadily_is_taken(tmp_path):
    """2 KB/s for over 3 s: longer than the timeout, but above the rate that buys more time."""
    app = create_app(dataclasses.replace(settings(tmp_path, body_timeout=1.0), body_min_rate=1024), pool=InProcess)
    text = json.dumps({"text": VERIFIED.read_text(encoding="utf-8"), "filename": "slow.txt"}).encode()
    assert len(text) > 6 * 1024
    with Live(app) as live:
        answer, after = _slow_post(live.url, text, pause=0.5, chunk=1024, headers="Connection: close\r\n")
        assert answer.startswith(b"HTTP/1.1 202 "), answer[:300]
        assert after > 3


# --- numbers out of range ---------------------------------------------------------------------------

BIG = "9" * 20  # past SQLite's 64 bits


@pytest.mark.parametrize(
    "url",
    [
        f"/v1/reviews?year={BIG}", f"/v1/reviews?year=-{BIG}", "/v1/reviews?year=0", f"/v1/reviews?limit={BIG}",
        f"/v1/reviews?after={BIG}:ab", "/v1/reviews?after=²:ab", "/v1/reviews?after=nonsense",
        "/v1/extractions/x?wait=1e400", "/v1/extractions/x?wait=nan",
    ],
)  # fmt: skip
def test_a_number_out_of_range_in_the_api_is_422_with_a_code(client, url):
    r = client.get(url)
    assert (r.status_code, r.json()["code"]) == (422, "bad_input"), r.text


@pytest.mark.parametrize(
    "body",
    [{"cells": {BLANK: 10**30}}, {"cells": {BLANK: -(10**30)}}, {"cells": {BLANK: 1}, "version": 10**30}, {"cells": {BLANK: 1}, "version": -1}],
    ids=["cell", "negative-cell", "version", "negative-version"],
)
def test_a_decision_with_a_number_out_of_range_is_422(client, body):
    sha = extracted(client, SHANGHAI)
    r = client.post(f"/v1/reviews/{sha}/resolve", json=body)
    assert (r.status_code, r.json()["code"]) == (422, "bad_input"), r.text
    assert client.get(f"/v1/reviews/{sha}").json()["state"] == "open"


@pytest.mark.parametrize(
    "url,problem",
    [
        ("/queue?year=abc", "not a year: &#39;abc&#39;"), ("/queue?year=²", "not a year"), (f"/queue?year={BIG}", "not a year"),
        (f"/queue?after={BIG}:ab", "not a queue cursor"), ("/queue?status=lost", "unknown status"),
        ("/documents/{sha}?saved=" + BIG, "saved"), ("/documents/{sha}/cell.png?cell=x&view=all", "view"),
    ],
)  # fmt: skip
def test_a_bad_parameter_of_a_page_is_the_services_own_error_page(client, url, problem):
    sha = extracted(client, SHANGHAI)
    r = client.get(url.replace("{sha}", sha))
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html"), r.text[:200]
    assert "<html" in r.text and "bad_input" in r.text and problem in r.text


def test_a_page_form_with_a_number_out_of_range_is_422_not_500(client):
    sha = extracted(client, SHANGHAI)
    page = client.get(f"/documents/{sha}").text
    value = client.post(f"/documents/{sha}/correct", data={"csrf": csrf_of(page), "version": version_of(page), f"cell:{BLANK}": BIG})
    assert value.status_code == 422 and "is out of range" in value.text
    version = client.post(f"/documents/{sha}/correct", data={"csrf": csrf_of(page), "version": BIG, f"cell:{BLANK}": "1"})
    assert version.status_code == 422 and "reload the page" in version.text
    accept = client.post(f"/documents/{sha}/accept", data={"csrf": csrf_of(page), "version": BIG, "note": "as printed"})
    assert accept.status_code == 422 and "<html" in accept.text
    assert client.get(f"/v1/reviews/{sha}").json()["state"] == "open"


def test_an_internal_error_on_a_page_is_a_page(tmp_path):
    app = create_app(settings(tmp_path), pool=InProcess)
    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as c:
        app.state.service.reading = lambda: 1 / 0
        r = c.get("/queue")
    assert r.status_code == 500 and "<html" in r.text and "internal error (ZeroDivisionError); please report it" in r.text


# --- the workbench for volume: filters kept, orders, selections, undo, claims ------------------------


@pytest.fixture
def workbench(tmp_path):
    """A team's service over a store of seven documents in review: five copies of one report
    whose blank one click fills (three under a/, two under b/) and Pingtan's, under b/."""
    s = settings(tmp_path, tokens=True)
    s.data.mkdir()
    base = SHANGHAI.read_text(encoding="utf-8")
    with Store(s.db) as store:
        for i, folder in enumerate("aaabb"):
            store.add(extract_bytes(f"{folder}/{i}.md", f"<!-- {i} -->\n{base}".encode()), RULES_ONLY.fingerprint)
        store.add(extract_bytes("b/pingtan.txt", PINGTAN.read_bytes()), RULES_ONLY.fingerprint)
    with TestClient(create_app(s, pool=InProcess), base_url="http://localhost") as c:
        c.post("/signin", data={"token": LI})
        yield c


def _sha_of(client, path: str) -> str:
    return next(i["sha256"] for i in client.get("/v1/reviews", params={"path": path}).json()["items"])


FILTERED = "path=a%2F&sort=path"  # the three copies under a/, by path


@pytest.mark.parametrize("decide", ["choice", "accept", "typed"])
def test_the_filter_stays_in_force_through_every_decision_and_next(workbench, decide):
    first, second, third = (_sha_of(workbench, f"a/{i}.md") for i in range(3))
    page = workbench.get(f"/documents/{first}?{FILTERED}").text
    assert f'data-next-document="/documents/{first}/next?{FILTERED.replace("&", "&amp;")}"' in page
    assert f'action="/documents/{first}/correct?{FILTERED.replace("&", "&amp;")}"' in page
    assert f'href="/documents/{first}?{FILTERED.replace("&", "&amp;")}&amp;cell=' in page, "the cells' links keep it too"
    form = {"csrf": csrf_of(page), "version": version_of(page)}
    if decide == "accept":
        r = workbench.post(f"/documents/{first}/accept?{FILTERED}", data=form | {"note": "as printed"}, follow_redirects=False)
    else:
        extra = {"choice": "1"} if decide == "choice" else {"cell": BLANK}
        r = workbench.post(f"/documents/{first}/correct?{FILTERED}", data=form | extra | {f"cell:{BLANK}": "1"}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, f"/documents/{second}?{FILTERED}&resolved={first}")
    nxt = workbench.get(f"/documents/{second}/next?{FILTERED}", follow_redirects=False)
    assert nxt.headers["location"] == f"/documents/{third}?{FILTERED}"
    back = workbench.get(f"/documents/{second}/previous?{FILTERED}", follow_redirects=False)
    assert back.headers["location"] == f"/documents/{third}?{FILTERED}", "round past the start: the first is resolved"
    assert "2 open left in this filter" in workbench.get(f"/documents/{second}?{FILTERED}").text


def test_the_last_decision_of_a_filter_opens_its_queue(workbench):
    shas = [_sha_of(workbench, f"b/{i}.md") for i in (3, 4)]
    for i, sha in enumerate(shas):
        page = workbench.get(f"/documents/{sha}?path=b%2F3&sort=fewest").text
        r = workbench.post(f"/documents/{sha}/correct?path=b%2F3&sort=fewest", data={"csrf": csrf_of(page), "version": version_of(page),
                           "choice": "1", f"cell:{BLANK}": "1"}, follow_redirects=False)  # fmt: skip
        if i == 0:
            assert r.headers["location"] == f"/queue?path=b%2F3&sort=fewest&resolved={sha}"
    shown = workbench.get(f"/queue?path=b%2F3&sort=fewest&resolved={shas[0]}").text
    assert "No open document is left among these" in shown and "li: 2 resolved today" in shown


def test_the_queue_filters_by_parts_of_names_orders_and_counts_chips(workbench):
    page = workbench.get("/queue?organ=科委&path=a%2F&sort=path").text
    assert re.findall(r'class="doc" href="([^"]+)">([^<]+)<', page) == [
        (f"/documents/{_sha_of(workbench, f'a/{i}.md')}?organ=%E7%A7%91%E5%A7%94&amp;path=a%2F&amp;sort=path", f"a/{i}.md") for i in range(3)
    ]  # fmt: skip
    assert page.count("1 click") == 3 and "identity_not_assessable ×2" in page, "a reason once, counted"
    assert 'href="/bulk?organ=%E7%A7%91%E5%A7%94&amp;path=a%2F&amp;sort=path&amp;action=suggestions"' in page
    assert workbench.get("/queue?organ=郭巨").text.count('class="doc"') == 0
    r = workbench.get("/queue?year=abc")
    assert r.status_code == 422 and "not a year: &#39;abc&#39;" in r.text and "Back to the queue" in r.text


def test_a_selection_takes_every_one_click_fix_after_a_confirmation(workbench):
    confirm = workbench.get("/bulk?path=a%2F&action=suggestions")
    assert re.search(r'<span id="count">3</span> documents', confirm.text)
    assert confirm.text.count("三 · 四、结转下年度继续办理 / 总计 → 1") == 3
    form = {"csrf": csrf_of(confirm.text), "action": "suggestions", "token": re.search(r'name="token" value="(\w+)"', confirm.text).group(1)}
    assert workbench.post("/bulk?path=a%2F", data=form | {"csrf": "forged"}).status_code == 403
    stale = workbench.post("/bulk?path=a%2F&sort=path", data=form | {"token": "0" * 32})
    assert stale.status_code == 409 and "changed since it was confirmed" in stale.text and 'id="count">3<' in stale.text
    done = workbench.post("/bulk?path=a%2F", data=form)
    assert done.status_code == 200 and "took the suggested value for 3 of 3 documents: 3 resolved, 0 still open." in done.text
    assert done.text.count("三 · 四、结转下年度继续办理 / 总计: blank → 1") == 3
    assert workbench.get("/v1/reviews", params={"path": "a/"}).json()["total"] == 0
    assert workbench.get("/v1/reviews").json()["total"] == 3, "only the selection was decided"
    events = workbench.get(f"/v1/documents/{_sha_of_resolved(workbench, 'a/0.md')}/history").json()["events"]
    assert [(e["actor"], e["action"]) for e in events][-2:] == [("li", "cell_corrected"), ("li", "review_resolved")]


def _sha_of_resolved(client, path: str) -> str:
    return client.get("/v1/reviews", params={"path": path, "state": "resolved"}).json()["items"][0]["sha256"]


def test_a_selection_accepted_as_printed_takes_one_note(workbench):
    confirm = workbench.get("/bulk?path=b%2F&action=accept").text
    form = {"csrf": csrf_of(confirm), "action": "accept", "token": re.search(r'name="token" value="(\w+)"', confirm).group(1)}
    assert workbench.post("/bulk?path=b%2F", data=form).status_code == 422
    done = workbench.post("/bulk?path=b%2F", data=form | {"note": "the source does not add up"}).text
    assert "accepted as printed 3 of 3 documents: 3 resolved" in done
    resolved = workbench.get("/v1/reviews", params={"state": "resolved"}).json()["items"]
    assert {workbench.get(f"/v1/reviews/{i['sha256']}").json()["note"] for i in resolved} == {"the source does not add up"}


def test_a_decision_is_undone_and_a_resolved_review_reopened_from_the_page(workbench):
    first, second = (_sha_of(workbench, f"a/{i}.md") for i in range(2))
    page = workbench.get(f"/documents/{first}?{FILTERED}").text
    r = workbench.post(f"/documents/{first}/correct?{FILTERED}", data={"csrf": csrf_of(page), "version": version_of(page),
                       "choice": "1", f"cell:{BLANK}": "1"})  # fmt: skip
    undo = re.search(r'action="(/documents/\w+/undo\?[^"]+)" class="inline" id="undo">\s*<input[^>]+>\s*<input type="hidden" name="version" value="(\d+)"', r.text)
    assert undo.group(1).replace("&amp;", "&") == f"/documents/{first}/undo?{FILTERED}", "on the next document, the one just decided"
    stale = workbench.post(undo.group(1).replace("&amp;", "&"), data={"csrf": csrf_of(page), "version": "1"})
    assert stale.status_code == 409 and "yours is 1" in stale.text
    back = workbench.post(undo.group(1).replace("&amp;", "&"), data={"csrf": csrf_of(page), "version": undo.group(2)}, follow_redirects=False)
    assert back.headers["location"] == f"/documents/{first}?{FILTERED}&undone=1"
    shown = workbench.get(back.headers["location"]).text
    assert 'id="undone"' in shown and re.search(r'review <strong class="review-open">open', shown)
    history = shown[shown.index('id="history"') :]
    assert "decision undone" in history and "withdrawn: 三 · 四、结转下年度继续办理 / 总计: 1" in history
    assert "cell corrected <span title=\"s3.carried_forward.total\">三 · 四、结转下年度继续办理 / 总计</span>" in history
    assert "questioned: 三 · " in history and "['s3" not in history, "cells by their labels, never a list of keys"
    accepted = workbench.post(f"/documents/{second}/accept", data={"csrf": csrf_of(page), "version": "1", "note": "as printed"})
    assert accepted.status_code == 200
    resolved = workbench.get(f"/documents/{second}").text
    reopen = {"csrf": csrf_of(resolved), "version": version_of(resolved), "note": "look again"}
    assert workbench.post(f"/documents/{second}/reopen", data=reopen, follow_redirects=False).status_code == 303
    assert workbench.get(f"/v1/reviews/{second}").json()["why"] == "reopened by li: look again"


def test_two_reviewers_on_one_filter_do_not_meet_on_a_document(workbench):
    wang = TestClient(workbench.app, base_url="http://localhost")
    wang.post("/signin", data={"token": WANG})
    first, second, third = (_sha_of(workbench, f"a/{i}.md") for i in range(3))
    assert 'id="held"' not in workbench.get(f"/documents/{first}?{FILTERED}").text  # li holds the first
    queue = wang.get(f"/queue?{FILTERED}").text
    assert queue.count("held by li") == 1 and f'data-first-document="/documents/{second}?' in queue
    assert wang.get(f"/documents/{third}/next?{FILTERED}", follow_redirects=False).headers["location"] == f"/documents/{second}?{FILTERED}"
    seen = wang.get(f"/documents/{first}?{FILTERED}").text
    assert re.search(r'id="held">li holds this document \(since \d\d:\d\d, until \d\d:\d\d UTC\)', seen)
    wang.get(f"/documents/{second}?{FILTERED}")  # wang holds the second now
    assert workbench.get(f"/documents/{first}/next?{FILTERED}", follow_redirects=False).headers["location"] == f"/documents/{third}?{FILTERED}"
