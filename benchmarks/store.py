"""The store at scale: writing, the no-op check, the queue's pages and the streams, at N documents.

    python benchmarks/store.py [--documents 100000] [--every 200] [--keep results.sqlite]
    python benchmarks/store.py --archive 1000 10000 [--before REV] [--work DIR] [--repeat 3]

`--archive`: the bytes per document of the store and of each export, and the batch's documents
per second, this version beside an earlier one (`--before`, from a git worktree), on the same
generated archive (see `archive`).

The documents are the real reports of golden/docs, read once by the rules, then each with
some of its table-三 cells left blank (as damaged copies would read, verified again), given
hashes of their own: results of every status with varied reasons and doubt, as a large
archive gives. The figures: documents stored per second in a batch; the check a batch makes
before extracting (`has_result`) per second and for all N, as a share of the writing time;
the queue's first page, every page walked by keyset (mean and slowest), filtered pages and the
counts per reason; the current cells and results streamed; one resolution; the file's size;
the peak resident memory of the process (it runs alone: that is the whole tree). It prints
figures and asserts nothing.

The writer's cost is also given as a share of one extraction's, both timed in the same run
(the rules reading the golden reports): in a batch the parent writes what the workers read, so
at two workers the writer must cost well under half an extraction per document. `add_json` is
the path for a parent that receives each result as JSON text (and writes that text to the
JSON lines file): it parses once and never serialises again.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.models import Result  # noqa: E402
from extractor.options import RULES_ONLY  # noqa: E402
from extractor.pipeline import extract_file  # noqa: E402
from extractor.reconcile import assess  # noqa: E402
from extractor.store import Filter, Store  # noqa: E402

FINGERPRINT = RULES_ONLY.fingerprint


def templates() -> list[Result]:
    """Each golden report as read, and with 1…4 of its table-三 cells blank, verified again."""
    out = []
    for doc in sorted((ROOT / "golden" / "docs").iterdir()):
        result = extract_file(doc)
        out.append(result)
        keys = [k for k, v in result.cells.items() if v is not None and k.startswith("s3.")]
        for blanks in range(1, 5):
            cells = {**result.cells, **{k: None for k in keys[blanks * 3 : blanks * 3 + blanks]}}
            out.append(assess(result.model_copy(update={"cells": cells})))
    return out


def documents(n: int, models: list[Result]):
    for i in range(n):
        r = models[i % len(models)]
        yield r.model_copy(update={"source": r.source.model_copy(update={"sha256": f"{i:064x}", "path": f"archive/{i}.txt"})})


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


# The last revision before the compact store (m010): the "before" of `--archive`.
BEFORE = "a108eb2"
EXPORTS = (("csv", ()), ("parquet", ()), ("jsonl", ()), ("xlsx", ()), ("csv", ("--wide",)))


def archive(sizes: list[int], before: str, work: Path, workers: int, seed: int, repeat: int) -> None:
    """Bytes per document of the store and of each export, and the batch's documents per
    second, for this version and the one at `before`, side by side on the same generated
    archive (benchmarks/batch.py's corpus: every flattening, read by `extractor batch` in a
    subprocess; the `before` version from a git worktree of that revision). The batches
    alternate, before then after, `repeat` times, and the median is given beside each run's
    figure: on a shared machine the load drifts, and it drifts over both alike."""
    import os
    import statistics
    import subprocess

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from batch import Run, first, make_corpus

    work.mkdir(parents=True, exist_ok=True)
    old = work / f"before-{before}"
    if not old.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), before], check=True, capture_output=True)
    corpus = make_corpus(work / "corpus", max(sizes), seed)
    versions = {"before": old, "after": ROOT}
    print(f"archive: generated documents (seed {seed}), {workers} workers; before = {before}, after = this checkout; {repeat} batches each, alternating")
    print(f"{'':>8} {'documents':>10} {'docs/s':>8} {'(each run)':>22} {'store':>11} " + " ".join(f"{fmt + ' '.join(a):>14}" for fmt, a in EXPORTS))
    for n in sizes:
        folder = first(corpus, n, work / f"first-{n}")
        rates: dict[str, list[float]] = {label: [] for label in versions}
        for _ in range(repeat):
            for label, code in versions.items():
                for leftover in work.glob(f"{label}-{n}.*"):
                    shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
                batch = Run([], command=_command(code) + ["batch", str(folder), "--db", str(work / f"{label}-{n}.sqlite"), "--workers", str(workers)])
                rates[label].append(n / batch.seconds)
        for label, code in versions.items():
            db = work / f"{label}-{n}.sqlite"
            store = sum(p.stat().st_size for p in work.glob(f"{label}-{n}.sqlite*"))
            sizes_out = []
            for fmt, extra in EXPORTS:
                # Each export in a folder of its own: whatever files it makes (the long form's
                # documents file, an XLSX's parts) are all counted.
                folder_out = work / f"{label}-{n}.export" / f"{fmt}{''.join(extra)}"
                folder_out.mkdir(parents=True)
                out = folder_out / f"cells.{fmt}"
                subprocess.run(_command(code) + ["export", "--db", str(db), "--format", fmt, *extra, "-o", str(out)], check=True, capture_output=True)
                sizes_out.append(sum(p.stat().st_size for p in folder_out.rglob("*") if p.is_file()))
            each = " ".join(f"{r:.1f}" for r in rates[label])
            cells = " ".join(f"{b / n / 1024:>11.1f} KB" for b in sizes_out)
            print(f"{label:>8} {n:>10,} {statistics.median(rates[label]):>8.1f} {each:>22} {store / n / 1024:>8.1f} KB {cells}", flush=True)
        print(f"  (load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores)", flush=True)


def _command(code: Path) -> list[str]:
    """`python -m extractor` from the version in `code` (-P: not the current folder first)."""
    return ["env", f"PYTHONPATH={code}", sys.executable, "-P", "-m", "extractor"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=10_000)
    ap.add_argument("--every", type=int, default=200, help="commit every this many documents")
    ap.add_argument("--keep", help="write the database here and keep it (default: a temporary file)")
    ap.add_argument("--archive", type=int, nargs="+", metavar="N", help="measure the archive instead: sizes, e.g. 1000 10000")
    ap.add_argument("--before", default=BEFORE, help=f"--archive: the revision to compare with (default {BEFORE})")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "extractor-store-bench")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="--archive: batches of each version, alternating")
    args = ap.parse_args()
    if args.archive:
        archive(args.archive, args.before, args.work, args.workers, args.seed, args.repeat)
        return
    n = args.documents
    docs = sorted((ROOT / "golden" / "docs").iterdir())
    _, t_extract = timed(lambda: [extract_file(d) for d in docs for _ in range(3)])
    per_extraction = t_extract / (3 * len(docs))
    models = templates()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep or Path(tmp) / "results.sqlite")
        store = Store(path)

        half = n // 2
        # As workers would send them: each reading's JSON made once, each document's hash put in.
        sentinel = "f" * 64
        blanks = [m.model_copy(update={"source": m.source.model_copy(update={"sha256": sentinel})}).model_dump_json() for m in models]

        def texts():
            for i in range(half):
                yield blanks[i % len(blanks)].replace(sentinel, f"{i:064x}", 1)

        def write_objects() -> None:
            with store.batch(every=args.every):
                for r in documents(n, models):
                    if int(r.source.sha256, 16) >= half:
                        store.add(r, FINGERPRINT)

        def write_texts() -> None:
            with store.batch(every=args.every):
                for text in texts():
                    store.add_json(text, FINGERPRINT)

        _, t_json = timed(write_texts)
        _, t_obj = timed(write_objects)
        t_add = t_json + t_obj
        print(f"documents            {n:,} ({len(models)} distinct readings, {sum(m.status != 'verified' for m in models)} not verified)")
        print(f"extraction (rules)   {per_extraction * 1000:.1f} ms per golden report, the baseline of this run")
        for name, t, k in (("add_json", t_json, half), ("add", t_obj, n - half)):
            print(f"{name:<20} {k / t:,.0f} documents/s, {t / k * 1000:.1f} ms each = {t / k / per_extraction:.0%} of an extraction")

        hashes = [f"{i:064x}" for i in range(n)]
        done, t_has = timed(lambda: sum(store.has_result(h, FINGERPRINT) for h in hashes))
        assert done == n
        print(f"has_result           {n / t_has:,.0f} checks/s; all {n:,}: {t_has:.2f} s = {t_has / t_add:.1%} of writing them")

        first, t_first = timed(lambda: store.queue(limit=50))
        print(f"queue: first page    {t_first * 1000:.1f} ms  ({first.total:,} open)")
        walked, slowest, after = 0, 0.0, None
        t0 = time.perf_counter()
        while True:
            page, t = timed(lambda: store.queue(limit=50, after=after))  # noqa: B023 - called at once
            walked += 1
            slowest = max(slowest, t)
            if page.next is None:
                break
            after = page.next
        t_walk = time.perf_counter() - t0
        print(f"queue: every page    {walked:,} pages of 50, {t_walk / walked * 1000:.1f} ms each on average, slowest {slowest * 1000:.1f} ms")
        for where in (Filter(reason="identity_failed"), Filter(year=2023, format="text"), Filter(status="failed"), Filter(state=None, organ="no such organ")):
            page, t = timed(lambda: store.queue(where, limit=50))  # noqa: B023 - called at once
            print(f"queue: {where.reason or ''}{where.year or ''}{where.status or ''}{where.organ or ''}".ljust(21) + f"{t * 1000:.1f} ms  ({page.total:,} match)")
        counts, t_counts = timed(lambda: store.reason_counts())
        print(f"reason counts        {t_counts * 1000:.1f} ms  ({len(counts)} reasons)")

        cells, t_cells = timed(lambda: sum(1 for _ in store.current_cells()))
        print(f"current_cells (all)  {cells / t_cells:,.0f} rows/s  ({cells:,} rows, {t_cells:.1f} s)")
        one, t_one = timed(lambda: sum(1 for _ in store.current_cells(first.items[0].sha256)))
        print(f"current_cells (one)  {t_one * 1000:.1f} ms  ({one} rows)")
        results, t_results = timed(lambda: sum(1 for _ in store.current_results()))
        print(f"current_results      {results / t_results:,.0f} documents/s  ({t_results:.1f} s)")

        item = first.items[0]
        review = store.review(item.sha256)
        keys = [k for k in review.questioned if k in review.extracted.cells][:1]
        _, t_resolve = timed(
            lambda: store.resolve(item.sha256, cells=dict.fromkeys(keys, 0), reviewer="bench", version=review.version)
        )
        print(f"resolve              {t_resolve * 1000:.1f} ms")
        store.close()
        size = path.stat().st_size + sum(p.stat().st_size for p in path.parent.glob(path.name + "-*"))
        print(f"file                 {size / 2**20:,.0f} MB, {size / n / 1024:.1f} KB per document")
        print(f"peak memory          {peak_rss_mb():,.0f} MB resident")


if __name__ == "__main__":
    main()
