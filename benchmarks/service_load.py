"""The service under load: N documents posted by C concurrent clients to `extractor serve` on loopback.

    python benchmarks/service_load.py --documents 500 --clients 16            # starts its own service
    python benchmarks/service_load.py --url http://127.0.0.1:8000 --pid 4242 [--token T]

Each client takes the next document, posts it (POST /v1/extractions), then asks for its
extraction with `?wait=60` (answered as soon as it is done), then takes the next: so at most C
documents are in flight, as C people or scripts uploading one report after another would keep them. It prints the
throughput (documents done per second, first post to last done), the latency of the 202 and of
the time to done (post to result) at p50, p95 and p99, and the service's peak resident memory,
the whole process tree (the service and its worker processes) sampled every 100 ms from /proc.

`--queue 100000` times the queue's pages instead (the first, one by reason, one by year, by a
part of the organ's name or of the path, in each order, the second and the 201st), over HTTP,
with that many open reviews in the store.

Side by side, in the same run, the same documents read one at a time in this process
(`extract_bytes`, the rules): what one core does without the service, so the figures of a
shared, noisy machine can be read against each other. The documents are generated reports
(tests/synth, every flattening in turn: text, Markdown, HTML, DOCX, PDF), all different. It
prints figures; it asserts nothing. docs/BENCHMARKS.md records the latest run.
"""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the generator and the process helpers live with the tests

from tests.serving import Served, _status, tree  # noqa: E402
from tests.synth.corpus import corpus  # noqa: E402


def documents(n: int, seed: int) -> list[tuple[str, bytes]]:
    return [
        (f"{i:05d}_{case.renderer.name}{case.renderer.suffix}", case.rendered.data)
        for i, case in enumerate(corpus(n, seed, renderers=[r for r in _renderers() if r != "scanned"]))
    ]


def _renderers() -> list[str]:
    from tests.synth.renderers import RENDERERS

    return list(RENDERERS)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


class Sampler(threading.Thread):
    """The peak resident memory of a process tree, sampled from /proc."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak, self.stop = pid, every, 0.0, threading.Event()
        self.cpu = (0.0, 0.0)

    def rss_mb(self) -> float:
        return sum(_status(p, "VmRSS") for p in tree(self.pid)) / 1024

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, self.rss_mb())
            self.cpu = cpu_seconds(self.pid)
            self.stop.wait(self.every)


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds used so far by the service process itself, and by the processes under it."""
    tick = os.sysconf("SC_CLK_TCK")
    own = others = 0.0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        used = (int(fields[11]) + int(fields[12])) / tick
        if p == pid:
            own = used
        else:
            others += used
    return own, others


def load(url: str, docs: list[tuple[str, bytes]], clients: int, headers: dict[str, str]) -> dict:
    work: queue.Queue = queue.Queue()
    for d in docs:
        work.put(d)
    accepted: list[float] = []
    done: list[float] = []
    problems: list[str] = []
    lock = threading.Lock()
    first_post = [float("inf")]
    last_done = [0.0]

    def client() -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=120) as http:
            while True:
                try:
                    name, data = work.get_nowait()
                except queue.Empty:
                    return
                start = time.perf_counter()
                r = http.post("/v1/extractions", files={"file": (name, data)})
                answered = time.perf_counter()
                if r.status_code == 429:  # the per-person limit: wait as told, then post again
                    time.sleep(float(r.headers.get("Retry-After", "1")))
                    work.put((name, data))
                    continue
                if r.status_code not in (200, 202):
                    with lock:
                        problems.append(f"{name}: {r.status_code} {r.text[:100]}")
                    continue
                location = r.headers["Location"]
                while True:  # answered when it is done (or after a minute: ask again)
                    body = http.get(location, params={"wait": 60}).json()
                    if body["state"] in ("done", "failed"):
                        break
                finished = time.perf_counter()
                with lock:
                    first_post[0] = min(first_post[0], start)
                    last_done[0] = max(last_done[0], finished)
                    accepted.append(answered - start)
                    done.append(finished - start)
                    if body["state"] == "failed":
                        problems.append(f"{name}: failed: {body['error']}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"accepted": accepted, "done": done, "problems": problems, "seconds": last_done[0] - first_post[0]}


def direct(docs: list[tuple[str, bytes]]) -> tuple[float, float]:
    """The same documents read one at a time in this process: documents/s, and this process's peak MB."""
    from extractor.pipeline import extract_bytes

    start = time.perf_counter()
    for name, data in docs:
        extract_bytes(name, data)
    return len(docs) / (time.perf_counter() - start), _status(os.getpid(), "VmHWM") / 1024


def fill_queue(db: Path, reviews: int) -> None:
    """A store at `db` with `reviews` + 1 open reviews: copies of one reviewed document under
    made-up hashes and paths ("copy 17.md", the result saying so too, so that a decision on a copy
    is one on that copy), their doubt spread from 1 to 40, one in four fixed by one click
    (benchmarks/review.py fills its stores here too)."""
    from extractor.options import RULES_ONLY
    from extractor.pipeline import extract_bytes
    from extractor.store import Store

    with Store(db) as store:
        seed = (ROOT / "golden/docs/10_shanghai_kewei_2024.md").read_bytes()
        sha = store.add(extract_bytes("seed.md", seed), RULES_ONLY.fingerprint).sha256
        copies = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        hexed = "printf('%064x', i)"
        store.db.execute("BEGIN")
        store.db.execute(copies + f"INSERT INTO documents SELECT {hexed}, format, size, first_seen FROM n, documents WHERE sha256 = ?", (reviews, sha))
        store.db.execute(
            copies + f"INSERT INTO results (sha256, run_id, path, status, organ, year, template, reasons, result, extracted_at)"
            f" SELECT {hexed}, run_id, 'copy ' || i || '.md', status, organ, year + i % 5, template, reasons,"
            f" json_set(result, '$.source.sha256', {hexed}, '$.source.path', 'copy ' || i || '.md'), extracted_at"
            " FROM n, results WHERE sha256 = ?", (reviews, sha))  # fmt: skip
        varied = {"sha256", "doubt", "year", "path", "effort", "suggestion"}
        names = [r[1] for r in store.db.execute("PRAGMA table_info(reviews)") if r[1] not in varied]
        store.db.execute(
            copies + f"INSERT INTO reviews (sha256, doubt, year, path, effort, suggestion, {', '.join(names)})"
            f" SELECT {hexed}, 1 + i % 40, year + i % 5, 'copy ' || i || '.md', CASE WHEN i % 4 = 0 THEN 0 ELSE 1 + i % 40 END,"
            f" CASE WHEN i % 4 = 0 THEN suggestion END, {', '.join(names)} FROM n, reviews WHERE sha256 = ?", (reviews, sha))  # fmt: skip
        store.db.execute(
            "INSERT OR IGNORE INTO review_reasons SELECT json_extract(j.value, '$.code'), v.state, v.doubt, v.sha256"
            " FROM reviews v, json_each(v.reasons) j WHERE v.sha256 != ?", (sha,))  # fmt: skip
        store.db.execute("COMMIT")


def timed(http: httpx.Client, url: str, times: int = 5) -> tuple[int, list[float]]:
    """The status of `url` and the milliseconds of `times` requests for it, after one to warm up."""
    http.get(url)
    spent = []
    for _ in range(times):
        t = time.perf_counter()
        r = http.get(url)
        spent.append((time.perf_counter() - t) * 1000)
    return r.status_code, spent


def queue_pages(reviews: int) -> None:
    """The queue's pages over HTTP with `reviews` open reviews in the store (`fill_queue`)."""
    tmp = Path(tempfile.mkdtemp(prefix="service-queue-"))
    db = tmp / "results.sqlite"
    start = time.perf_counter()
    fill_queue(db, reviews)
    print(f"{reviews + 1} open reviews written in {time.perf_counter() - start:.0f} s")
    with Served(tmp / "data", args=("--db", str(db))) as served, httpx.Client(base_url=served.url) as http:
        pages = [
            "/queue", "/queue?reason=identity_not_assessable", "/queue?year=2025", "/v1/reviews?limit=50",
            "/queue?organ=科委", "/queue?organ=郭巨", "/queue?path=copy+4242", "/queue?path=copy+4242&reason=cells_not_read",
            "/queue?sort=fewest", "/queue?sort=path", "/queue?sort=organ",
        ]  # fmt: skip
        first = http.get("/v1/reviews", params={"limit": 50}).json()
        pages.append("/queue?" + httpx.QueryParams({"after": first["next"]}).__str__())
        deep = first["next"]
        for _ in range(200):  # the 200th page of 50
            deep = http.get("/v1/reviews", params={"limit": 50, "after": deep}).json()["next"]
        pages.append("/queue?" + httpx.QueryParams({"after": deep}).__str__())
        for url in pages:
            status, times = timed(http, url)
            label = url if len(url) < 60 else url[:40] + "…(page 201)"
            print(f"  {label:<48} {status}  median {statistics.median(times):5.0f} ms")


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", "-n", type=int, default=500)
    ap.add_argument("--clients", "-c", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--url", help="a running service (default: start one in a temporary folder)")
    ap.add_argument("--pid", type=int, help="the running service's process id, for its memory")
    ap.add_argument("--token", help="a bearer token for a service with a tokens file")
    ap.add_argument("--workers", type=int, help="worker processes of the service started here (default: one per core)")
    ap.add_argument("--no-direct", action="store_true", help="skip the in-process baseline")
    ap.add_argument("--queue", type=int, metavar="REVIEWS", help="instead: time the queue's pages with this many open reviews")
    args = ap.parse_args()
    if args.queue:
        queue_pages(args.queue)
        return

    docs = documents(args.documents, args.seed)
    size = sum(len(d) for _, d in docs) / len(docs) / 1024
    print(f"{len(docs)} generated documents ({size:.0f} KB on average), {args.clients} clients, rules; load average before: {loadavg()}")
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    served = None
    if args.url is None:
        tmp = Path(tempfile.mkdtemp(prefix="service-load-"))
        extra = ("--max-in-flight", str(max(16, args.clients)), *(("--workers", str(args.workers)) if args.workers else ()))
        served = Served(tmp / "data", args=extra).start()
        url, pid = served.url, served.pid
    else:
        url, pid = args.url, args.pid
    sampler = Sampler(pid) if pid else None
    if sampler:
        idle = sampler.rss_mb()
        sampler.start()
    try:
        figures = load(url, docs, args.clients, headers)
    finally:
        if sampler:
            sampler.stop.set()
            sampler.join()
        if served:
            served.stop()
    n = len(figures["done"])
    print(f"load average after: {loadavg()}")
    print(f"done: {n} of {len(docs)} in {figures['seconds']:.1f} s: {n / figures['seconds']:.1f} documents/s")
    for what in ("accepted", "done"):
        ms = [v * 1000 for v in figures[what]]
        label = "202 answered" if what == "accepted" else "time to done"
        print(
            f"{label:>13}: p50 {percentile(ms, 50):7.0f} ms   p95 {percentile(ms, 95):7.0f} ms   p99 {percentile(ms, 99):7.0f} ms"
            f"   (mean {statistics.fmean(ms):.0f} ms, max {max(ms):.0f} ms)"
        )
    if sampler:
        print(f"service memory (process tree): {idle:.0f} MB idle, {sampler.peak:.0f} MB at peak")
        own, workers = sampler.cpu
        print(f"CPU: {own:.1f} s in the service process (HTTP, the store), {workers:.1f} s in its workers (reading)")
    for p in figures["problems"][:10]:
        print(f"  problem: {p}")
    if not args.no_direct:
        rate, peak = direct(docs)
        print(f"side by side, the same documents in this process, one at a time: {rate:.1f} documents/s, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
