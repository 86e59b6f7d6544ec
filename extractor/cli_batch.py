"""`extractor batch`: an archive of any size, read in parallel, resumable.

    extractor batch reports/ more.zip --db results.sqlite -o results.jsonl --workers 2

Every document is hashed first; one the database has read with this configuration is not read
again ("already done"). The JSON lines file is appended to, a line per document as it is done;
run the same command again after a kill and it goes on where it stopped. Ctrl-C (or SIGTERM)
lets the documents in flight finish and be kept, then prints the summary; a second Ctrl-C
stops at once. Exit code as `extract` (0 all verified, 1 some need review, 2 some failed, over
every document of the batch, those done before included), 130 when stopped before the end.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from .cli import each_holds_documents, model_options, options_from_flags, own_files, stops_on_a_full_disk, writable_file

STOPPED = 130  # 128 + SIGINT, as a shell reports a job stopped by Ctrl-C


@contextmanager
def _stop_on_signals(stop: threading.Event, say: Callable[[str], None]) -> Iterator[None]:
    """The first SIGINT or SIGTERM sets `stop`; a second SIGINT raises KeyboardInterrupt."""

    def handler(signum: int, frame: object) -> None:
        if stop.is_set():
            if signum == signal.SIGINT:
                raise KeyboardInterrupt
            return
        stop.set()
        say("stopping: finishing the documents in flight (Ctrl-C again to stop at once)")

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _pool(engine: str, options: Any, workers: int | None, ray_address: str | None, db: str) -> Any:
    from .errors import BadInput

    if engine == "ray":
        from .batch.ray_pool import RayPool

        return RayPool(options, workers=workers, address=ray_address)
    if ray_address:
        raise BadInput("--ray-address is for --engine ray")
    from .batch import Processes

    return Processes(options, workers, store=db)  # the workers may read it: see store.ahead


def _spend(options: Any, max_tokens: int | None, max_cost: float | None, batch: bool) -> Any:
    """The run's meter and budget; None without a model."""
    from .errors import BadInput

    if options.llm is None:
        if max_tokens is not None or max_cost is not None or batch:
            raise BadInput("--max-tokens, --max-cost and --llm-batch are for a model: this run asks none")
        return None
    from .batch.spend import spend_for

    try:
        return spend_for(options.llm.settings, max_tokens=max_tokens, max_cost=max_cost, batch=batch)
    except ValueError as e:
        raise BadInput(str(e)) from None


def _outcomes(items: Callable[[], Any], pool: Callable[[], Any], options: Any, spend: Any, ledger: Any, db: str,
              llm_batch: bool, poll: float, say: Callable[[str], None], **run_options: Any) -> Iterator[Any]:  # fmt: skip
    """The batch's outcomes: read here, the model's questions asked by this process (`asking`),
    or sent through the provider's batch endpoint (`deferred`)."""
    from .batch import run

    if options.llm is None:
        return run(items(), options=options, pool=pool(), store=ledger, **run_options)
    from .batch.asking import Asking

    if not llm_batch:
        return run(items(), options=options, pool=Asking(pool(), options.llm, spend=spend, stop=run_options["stop"]), store=ledger, **run_options)
    import sqlite3

    from .batch.deferred import Deferred, run_deferred
    from .extract.llm.batches import BatchEndpoint

    deferred = Deferred(sqlite3.connect(db, timeout=30), options.llm, BatchEndpoint(options.llm.settings), spend=spend)
    return run_deferred(items, options=options, pool=pool, store=ledger, deferred=deferred, say=say, poll=poll, **run_options)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--db",
    required=True,
    type=click.Path(dir_okay=False),
    help="The SQLite file results are kept in (made if need be); what it holds is not read again.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Append each result to this JSON lines file as it is done."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Documents read at once (default: the machine's cores; with Ray, the cluster's).",
)
@click.option(
    "--engine",
    type=click.Choice(["process", "ray"]),
    default="process",
    show_default=True,
    help="Worker processes on this machine, or Ray tasks (pip install 'gov-report-extractor[ray]').",
)
@click.option(
    "--ray-address",
    help="The Ray cluster to join (e.g. ray://head:10001, or 'auto'); default: start one on this machine.",
)
@click.option(
    "--llm-concurrency",
    type=click.IntRange(min=1),
    help="Questions to the model in flight at once, across the run (else EXTRACTOR_LLM_CONCURRENCY, else 8).",
)
@click.option("--max-tokens", type=click.IntRange(min=1), help="The run's token budget: it stops before passing it.")
@click.option(
    "--llm-batch", is_flag=True, help="Send the questions through the provider's batch endpoint (/v1/batches): slower, about half the price."
)
@click.option(
    "--llm-batch-poll", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True,
    help="Seconds between looks at the provider's batches.",
)
@click.option("--max-cost", type=click.FloatRange(min=0, min_open=True), help="The run's cost budget, in the price's currency.")
@click.option(
    "--keep-sources",
    type=click.Path(file_okay=False),
    help="Keep a copy of each document in this folder, named by its hash, for archives that will move or go.",
)
@click.option(
    "--organs",
    "registry",
    type=click.Path(dir_okay=False, exists=True),
    help="An organs registry (CSV: name, organ_id, region, level, kind) over the printed names; as `organs load`.",
)
@model_options
@stops_on_a_full_disk(resumes=True)
def batch(
    paths: tuple[str, ...],
    db: str,
    output: str | None,
    workers: int | None,
    engine: str,
    ray_address: str | None,
    llm_concurrency: int | None,
    max_tokens: int | None,
    llm_batch: bool,
    llm_batch_poll: float,
    max_cost: float | None,
    keep_sources: str | None,
    registry: str | None,
    **model: Any,
) -> None:
    """Read every document in PATHS (files, folders, zip archives) into the database."""
    from rich.console import Console

    from .batch import Ledger, Lines, resume
    from .batch.copies import Copies
    from .batch.progress import count_in_background, counter, display_for
    from .batch.summary import Tally, print_summary
    from .load.archive import inputs
    from .store import Store
    from .store.organs.registry import read_registry

    skip = own_files(output, db) + ([keep_sources] if keep_sources else [])  # never read as documents
    entries = read_registry(registry) if registry else None  # a bad line stops the run before anything is made
    each_holds_documents(paths, skip)
    writable_file(output, "results")
    writable_file(db, "database")
    options = options_from_flags(**model, llm_concurrency=llm_concurrency)
    spend = _spend(options, max_tokens, max_cost, llm_batch)
    copies = Copies(keep_sources) if keep_sources else None
    stop = threading.Event()
    # Made now, so that an engine or address that cannot work stops the run before anything is
    # made; a run through the batch endpoint reads twice, with a pool made again.
    made = [_pool(engine, options, workers, ray_address, db)]

    def pool() -> Any:
        return made.pop() if made else _pool(engine, options, workers, ray_address, db)

    errors = Console(stderr=True, soft_wrap=True, highlight=False)
    store = Store(db)
    if entries:  # before the first document: its organ is found among the registry's names
        store.load_organs(entries, by="registry")
    ledger = Ledger(store, options.fingerprint, limits=options.limits)
    lines = None
    try:
        if output:
            cut = resume(output, done=lambda sha: ledger.done(sha) is not None, most=ledger.every)
            if cut:
                errors.print(f"{output}: the last {cut} lines were of documents not yet kept: they are read again")
            lines = Lines(output, append=True)
        tally = Tally(spend=spend)
        display = display_for(errors, tally)
        count_in_background(counter(paths, skip), display)
        abandoned = False
        display.start()
        try:
            with _stop_on_signals(stop, display.say):
                outcomes = _outcomes(
                    lambda: inputs(paths, skip=skip, read=False, limits=options.limits),
                    pool, options, spend, ledger, db, llm_batch,
                    llm_batch_poll, display.say, output=lines, stop=stop, started=display.started, keep=copies,
                )  # fmt: skip
                for outcome in outcomes:
                    tally.add(outcome)
                    display.finished(outcome)
                    if outcome.new and outcome.error:
                        display.say(f"error: {outcome.error}")
        except KeyboardInterrupt:
            abandoned = True
        finally:
            display.stop()
    finally:
        if lines is not None:
            lines.close()
        ledger.close()
    print_summary(Console(soft_wrap=True, highlight=False), tally, stopped=stop.is_set(), abandoned=abandoned)
    sys.exit(STOPPED if stop.is_set() else tally.exit_code)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--workers", type=click.IntRange(min=1), help="Documents read at once (default: the machine's cores).")
@model_options
def estimate(paths: tuple[str, ...], workers: int | None, **model: Any) -> None:
    """What reading PATHS with the model would ask and cost: documents, questions, tokens, cost.

    Each document is read up to its questions, as a run would read it; nothing is asked and
    nothing is stored. Questions the answer cache holds cost nothing.
    """
    from .batch import Processes
    from .batch.estimate import estimate as estimated
    from .errors import BadInput
    from .extract.llm.prices import price_for
    from .load.archive import inputs

    each_holds_documents(paths, [])
    options = options_from_flags(**model, probe=False)
    if options.llm is None:
        raise BadInput("nothing to estimate: no model is configured (OPENAI_BASE_URL and EXTRACTOR_MODEL, or --base-url and --model)")
    s = options.llm.settings
    found = estimated(
        inputs(paths, read=False, limits=options.limits), options=options, pool=Processes(options, workers),
        price=price_for(s.model, s.capability.family, s.price),
    )  # fmt: skip
    click.echo(f"estimate for {s.model} ({options.strategy}):")
    for line in found.lines():
        click.echo(f"  {line}")
