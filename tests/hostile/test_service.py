"""The service under hostile input: the source panel draws and reads in a worker process within
the limits (a 14,400-point page took the service itself to 4.3 GB on one view), and a document
past a limit fails alone while the service goes on."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from extractor.batch import InProcess
from extractor.limits import Limits, OverLimit
from extractor.web.app import create_app
from extractor.load.archive import Origin
from extractor.web.finder import Wanted
from extractor.web.settings import Settings
from extractor.web.source_pool import SourcePool
from tests.conftest import DOCS

from . import make

pytestmark = pytest.mark.block_network(allowed_hosts=[r".*/pymp-[^/]+/listener-"])


def at(path) -> Wanted:
    """A document on disk, wanted by its hash at its path."""
    return Wanted(hashlib.sha256(path.read_bytes()).hexdigest(), (Origin(str(path)),))


@pytest.fixture
def pool():
    p = SourcePool(Limits())
    yield p
    p.close()


def test_a_huge_page_is_drawn_in_a_worker_its_region_only_and_the_whole_page_is_refused(pool, tmp_path):
    name, data = make.pdf_huge_page()
    path = tmp_path / name
    path.write_bytes(data)
    png = pool.picture(at(path), "row", 1, (7000.0, 7000.0, 7100.0, 7020.0))
    # The box and 60 points around it at 150 dpi: 220 × 140 points (a pixel either way for the
    # rounding of each edge), not 14,400 × 14,400.
    width, height = Image.open(io.BytesIO(png)).size
    assert abs(width - 220 * 150 / 72) <= 1 and abs(height - 140 * 150 / 72) <= 1
    with pytest.raises(OverLimit) as refused:
        pool.picture(at(path), "page", 1, None)
    assert refused.value.problem == "over the picture limit: 400,000,000 pixels for page 1 at 100 dpi, at most 40,000,000 (--max-pixels raises it)"
    assert os.getpid() not in pool._executor._processes  # drawn elsewhere than here


def test_what_a_worker_made_is_kept_and_a_document_past_its_limits_is_not_read_for_an_excerpt(pool, tmp_path):
    report = at(DOCS / "10_shanghai_kewei_2024.md")
    first = pool.excerpt(report, "a.md", "markdown", {"line": 102, "span": [46, 48]})
    assert [line.marked for line in first.lines if line.marked] == ["34"]
    assert pool.excerpt(report, "a.md", "markdown", {"line": 102, "span": [46, 48]}) is first  # from the cache
    name, data = make.text_lines(5)
    (tmp_path / name).write_bytes(data)
    with pytest.raises(OverLimit, match=r"over the text limit: 5,242,880 characters"):
        pool.excerpt(at(tmp_path / name), name, "text", {"line": 3, "span": [0, 1]})


def test_an_upload_past_a_limit_fails_alone_and_the_service_goes_on(tmp_path):
    settings = Settings.make(data=tmp_path / "data", host="127.0.0.1")
    with TestClient(create_app(settings, pool=InProcess), base_url="http://localhost") as client:
        name, data = make.text_lines(40)  # 40 MB: under the upload cap, far over the text limit
        hostile = client.post("/v1/extractions", files={"file": (name, data)})
        good = client.post("/v1/extractions", files={"file": ("a.txt", (DOCS / "004_f8b21749840a51ab.txt").read_bytes())})
        got = {}
        for r in (hostile, good):
            body = r.json()
            for _ in range(600):
                body = client.get(f"/v1/extractions/{r.json()['id']}?wait=1").json()
                if body["state"] in ("done", "failed"):
                    break
            got[r] = body
        assert "over the text limit" in str(got[hostile]) and "--max-chars raises it" in str(got[hostile])
        assert got[good]["status"] == "verified"
        assert client.get("/healthz").status_code == 200
