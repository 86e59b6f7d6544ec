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
    (item,) = client.get("/reviews", params={"state": "open"}).json()
    assert item["path"] == "shanghai.md"
    detail = client.get(f"/reviews/{item['id']}").json()
    assert detail["result"]["provenance"]["s3.carried_forward.total"]["kind"] == "blank"
    done = client.post(f"/reviews/{item['id']}/resolve", json={"cells": {"s3.carried_forward.total": 1}, "reviewer": "li"})
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["status"]) == ("resolved", "verified")
    again = client.post(f"/reviews/{item['id']}/resolve", json={"accept": True})
    assert again.status_code == 409


def test_unknown_review_is_404(client):
    assert client.get("/reviews/99").status_code == 404


def test_without_a_database_extraction_works_and_reviews_say_why_not():
    with TestClient(create_app(None)) as c:
        r = c.post("/extract", files=[("files", ("a.txt", (DOCS / "002_eb42678789e3d87b.txt").read_bytes()))])
        assert r.json()[0]["cells"]["s2.licensing.decisions"] == 2554
        assert c.get("/reviews").status_code == 404
        assert c.get("/health").json()["store"] is False
