"""The HTTP service, through its real ASGI app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from extractor.service import create_app
from extractor.store import Store

from .conftest import DOCS


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(Store(tmp_path / "q.sqlite"))) as c:
        yield c


def upload(client, *names_and_bytes):
    files = [("files", (name, data)) for name, data in names_and_bytes]
    return client.post("/extract", files=files)


def test_extract_returns_a_result_per_file_and_bad_files_do_not_fail_the_request(client):
    good = (DOCS / "004_f8b21749840a51ab.txt").read_bytes()
    r = upload(client, ("004.txt", good), ("empty.txt", b""))
    assert r.status_code == 200
    results = r.json()
    assert [x["status"] for x in results] == ["verified", "failed"]
    assert results[1]["error"] == "empty.txt: empty file"


def test_review_round_trip(client):
    r = upload(client, ("shanghai.md", (DOCS / "10_shanghai_kewei_2024.md").read_bytes()))
    assert r.json()[0]["status"] == "needs_review"
    page = client.get("/reviews", params={"state": "open"}).json()
    (item,) = page["items"]
    assert (item["path"], page["total"], page["next"]) == ("shanghai.md", 1, None)
    sha = item["sha256"]
    detail = client.get(f"/reviews/{sha}").json()
    assert detail["result"]["provenance"]["s3.carried_forward.total"]["kind"] == "blank"
    assert detail["version"] == 1
    done = client.post(
        f"/reviews/{sha}/resolve", json={"cells": {"s3.carried_forward.total": 1}, "reviewer": "li", "version": 1}
    )
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["status"], done.json()["version"]) == ("resolved", "verified", 2)
    again = client.post(f"/reviews/{sha}/resolve", json={"accept": True, "note": "x", "reviewer": "wang"})
    assert (again.status_code, again.json()["code"]) == (409, "conflict")
    assert "already resolved (corrected, by li at" in again.json()["detail"]


def test_a_stale_version_is_409_and_says_who_changed_it(client):
    upload(client, ("shanghai.md", (DOCS / "10_shanghai_kewei_2024.md").read_bytes()))
    sha = client.get("/reviews").json()["items"][0]["sha256"]
    first = client.post(f"/reviews/{sha}/resolve", json={"cells": {"s3.carried_forward.total": 2}, "reviewer": "li", "version": 1})
    assert (first.status_code, first.json()["state"]) == (200, "open")  # 2 does not add up: still open
    stale = client.post(f"/reviews/{sha}/resolve", json={"cells": {"s3.carried_forward.total": 1}, "reviewer": "wang", "version": 1})
    assert stale.status_code == 409 and stale.json()["detail"].startswith("changed by li at ")


@pytest.mark.parametrize(
    "body,status,code",
    [
        ({"accept": True, "reviewer": "li"}, 422, "bad_input"),  # accepting needs a note
        ({"cells": {"s9.nope": 1}, "reviewer": "li"}, 422, "bad_input"),
        ({"accept": True, "note": "x"}, 422, None),  # who decides is required
    ],
)
def test_bad_resolutions(client, body, status, code):
    upload(client, ("shanghai.md", (DOCS / "10_shanghai_kewei_2024.md").read_bytes()))
    sha = client.get("/reviews").json()["items"][0]["sha256"]
    r = client.post(f"/reviews/{sha}/resolve", json=body)
    assert r.status_code == status
    assert r.json().get("code") == code


def test_the_queue_filters_and_pages(client):
    upload(client, ("a.md", (DOCS / "10_shanghai_kewei_2024.md").read_bytes()), ("b.txt", (DOCS / "05_pingtan_2023.txt").read_bytes()))
    first = client.get("/reviews", params={"limit": 1}).json()
    second = client.get("/reviews", params={"limit": 1, "after": first["next"]}).json()
    assert first["total"] == 2 and second["next"] is None
    assert {first["items"][0]["path"], second["items"][0]["path"]} == {"a.md", "b.txt"}
    only = client.get("/reviews", params={"reason": "ambiguous_reading"}).json()
    assert [i["path"] for i in only["items"]] == ["b.txt"]
    assert client.get("/reviews", params={"after": "nonsense"}).status_code == 422


def test_unknown_review_is_404(client):
    r = client.get("/reviews/" + "0" * 64)
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


def test_without_a_database_extraction_works_and_reviews_say_why_not():
    with TestClient(create_app(None)) as c:
        r = c.post("/extract", files=[("files", ("a.txt", (DOCS / "002_eb42678789e3d87b.txt").read_bytes()))])
        assert r.json()[0]["cells"]["s2.licensing.decisions"] == 2554
        assert c.get("/reviews").status_code == 404
        assert c.get("/health").json()["store"] is False
