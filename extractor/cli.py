"""The command line: a thin layer over the library.

    extractor extract report.txt other.md --json -o results.jsonl
    extractor verify results.jsonl
    extractor eval golden/ --json-out eval.json

Every command imports what it needs when it runs, so `extractor --version` and a rules-only
extraction never load the model client or the web framework. A problem the user can act on
(`ExtractorError`) is one line on stderr and exit code 2; `--debug` (or `EXTRACTOR_DEBUG=1`)
shows the traceback instead.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

# The command line uses no pydantic plugin, and looking for one reads the entry points of every
# installed package (20-30 ms of a rules-only cold start with the extras installed). A user who
# sets the variable decides; the pool's workers inherit it.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

# The capability table is plain data: reading it does not load the model client.
from . import __version__
from .extract.llm.capabilities import FAMILIES, MODES
from .kinds import STRATEGIES

if TYPE_CHECKING:
    from .models import LlmUsage, Result
    from .options import Options

EXIT = {"verified": 0, "needs_review": 1, "failed": 2}
# Commands defined in modules of their own, imported only when run (or when help lists them).
LAZY_COMMANDS = {
    "batch": "extractor.cli_batch:batch",
    "estimate": "extractor.cli_batch:estimate",
    "export": "extractor.cli_export:export",
    "organs": "extractor.cli_organs:organs",
    "review": "extractor.cli_review:review",
    "serve": "extractor.cli_review:serve",
}


def _debug() -> bool:
    return os.environ.get("EXTRACTOR_DEBUG", "") not in ("", "0")


class _Group(click.Group):
    """Turns the project's errors into one line and exit code 2, unless debugging; loads the
    commands of `LAZY_COMMANDS` only when they are asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS and name not in self.commands:
            from importlib import import_module

            module, _, attr = LAZY_COMMANDS[name].partition(":")
            self.add_command(getattr(import_module(module), attr), name)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        from .errors import ExtractorError

        try:
            return super().invoke(ctx)
        except ExtractorError as e:
            if _debug():
                raise
            click.echo(f"error: {e}", err=True)
            sys.exit(2)


@click.group(cls=_Group)
# The version is the package's own constant: looking it up in the installed metadata costs more
# than the rest of `--version`.
@click.version_option(__version__, package_name="gov-report-extractor")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging (also EXTRACTOR_DEBUG=1).")
def cli(debug: bool) -> None:
    """Extract and verify the statistical tables of government information-disclosure annual reports."""
    if debug:
        os.environ["EXTRACTOR_DEBUG"] = "1"
    debugging = _debug()
    logging.basicConfig(
        level=logging.DEBUG if debugging else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not debugging:
        # instructor logs every failed attempt at ERROR; each failure is already on its result.
        logging.getLogger("instructor").setLevel(logging.CRITICAL)
        for noisy in ("httpx", "httpx2", "openai", "pdfminer"):
            logging.getLogger(noisy).setLevel(logging.WARNING)


def model_options(command: Callable) -> Callable:
    """The options that choose how tables are read: `extract` and `eval` share them."""
    options = [
        click.option(
            "--strategy",
            type=click.Choice(STRATEGIES),
            help="rules (default without an LLM endpoint), cross-check (default with one), llm-first, rules-first.",
        ),
        click.option("--model", help="Model name (else EXTRACTOR_MODEL)."),
        click.option("--base-url", help="OpenAI-compatible endpoint (else OPENAI_BASE_URL). The key is read from OPENAI_API_KEY only."),
        click.option("--mode", type=click.Choice(MODES, case_sensitive=False), help="Override the structured-output mode (else EXTRACTOR_MODE, else the capability table)."),
        click.option("--server", type=click.Choice(list(FAMILIES), case_sensitive=False), help="Say which kind of server the endpoint is (else EXTRACTOR_SERVER, else told from the URL and model)."),
        click.option("--cache-dir", type=click.Path(file_okay=False), help="Where answers are cached (else EXTRACTOR_CACHE_DIR, else the user cache folder)."),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the answer cache."),
        click.option("--timeout", type=float, help="Seconds to wait for one model answer (else EXTRACTOR_TIMEOUT, else 120)."),
        click.option("--llm-rpm", type=click.FloatRange(min=0, min_open=True), help="Requests per minute the endpoint allows (else EXTRACTOR_LLM_RPM, else as fast as it answers)."),
        click.option("--llm-tpm", type=click.FloatRange(min=0, min_open=True), help="Tokens per minute the endpoint allows (else EXTRACTOR_LLM_TPM)."),
        click.option("--price", help="What a million tokens cost, IN,OUT[,CURRENCY] (else EXTRACTOR_PRICE, else the price table)."),
        click.option(
            "--blanks",
            type=click.Choice(["zero", "strict"]),
            default="zero",
            show_default=True,
            help="zero: blank applicant cells of table 三 that every identity holds with as zeros do not hold a document "
            "back (the inference is named); strict: they go to review.",
        ),
    ]
    for option in reversed(options + _limit_options()):
        command = option(command)
    return command


class _Amount(click.ParamType):
    """A limit: a number, or one with K, M or G after it (binary multiples): 512M, 2G."""

    name = "amount"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from .limits import parse_amount

        try:
            amount = parse_amount(str(value))
        except ValueError as e:
            self.fail(str(e), param, ctx)
        if amount <= 0:
            self.fail(f"{value!r} is not a positive amount", param, ctx)
        return amount


def _limit_options() -> list[Callable]:
    """One option per limit of `extractor.limits.Limits`, each also read from its variable."""
    from .limits import DEFAULT, Limits

    helps = {
        "bytes": "Bytes of one document, as decompressed",
        "archive_bytes": "Bytes of everything inside one archive that is inside another",
        "chars": "Characters of one document's text",
        "lines": "Lines (rows) of one document's text",
        "pages": "Pages of one document",
        "pixels": "Pixels of one page drawn for OCR or for a person",
        "seconds": "Seconds one document may take",
        "memory": "Bytes of memory a process reading documents may take past what it held at its start",
    }
    return [
        click.option(
            spec.option, f"max_{name}", type=_Amount(),
            help=f"{helps[name]} (else {spec.env}, else {getattr(DEFAULT, name):,}).",
        )
        for name, spec in Limits.NAMES.items()
    ]  # fmt: skip


def limits_from_flags(flags: dict[str, Any]) -> Any:
    """The run's `Limits`: the defaults, the environment, then the flags given."""
    from .errors import BadInput
    from .limits import Limits

    try:
        return Limits.from_env(**{name.removeprefix("max_"): value for name, value in flags.items()})
    except ValueError as e:
        raise BadInput(str(e)) from None


def options_from_flags(
    strategy: str | None, model: str | None, base_url: str | None, mode: str | None, server: str | None,
    cache_dir: str | None, no_cache: bool, timeout: float | None, blanks: str = "zero", probe: bool = True,
    llm_rpm: float | None = None, llm_tpm: float | None = None, price: str | None = None,
    llm_concurrency: int | None = None, **limit_flags: Any,
) -> Options:
    """The run's options; with a model strategy, the endpoint is probed once before any work."""
    from .errors import BadInput
    from .options import Options

    limits = limits_from_flags(limit_flags)
    configured = any(os.environ.get(k) for k in ("OPENAI_BASE_URL", "EXTRACTOR_MODEL")) or base_url or model
    if strategy in (None, "rules") and not configured:
        return Options(blanks=blanks, limits=limits)  # nothing of the model path is loaded
    from dataclasses import replace

    from .extract.llm import LlmSettings

    try:
        settings = LlmSettings.from_env()
    except ValueError as e:  # e.g. EXTRACTOR_TIMEOUT is not a number
        raise BadInput(str(e)) from None
    from .extract.llm.prices import parse_price

    try:
        settings = settings.with_overrides(
            model=model, base_url=base_url, mode=mode, server=server, timeout=timeout,
            cache_dir=Path(cache_dir) if cache_dir else None, requests_per_minute=llm_rpm, tokens_per_minute=llm_tpm,
            price=parse_price(price) if price else None, concurrency=llm_concurrency,
        )
    except ValueError as e:  # a price that is not one
        raise BadInput(f"--price: {e}") from None
    if no_cache:
        settings = replace(settings, cache_dir=None)
    options = Options.from_settings(settings, strategy, blanks=blanks, limits=limits)
    if probe and options.llm is not None:
        options.llm.probe()
    return options


def writable_file(path: str | None, what: str) -> None:
    """Fail before any work when a file cannot be written where it is asked for."""
    if path is None:
        return
    from .errors import BadInput

    parent = Path(path).resolve().parent
    if not parent.is_dir():
        raise BadInput(f"{path}: cannot write the {what}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise BadInput(f"{path}: cannot write the {what}: the folder {parent} is not writable")
    if Path(path).is_dir():
        raise BadInput(f"{path}: cannot write the {what}: it is a folder")


def each_holds_documents(paths: Iterable[str], skip: list[str]) -> None:
    """Fail before any work, and before a database or an output file is made, for a path that
    is not there or yields no document (an empty folder, a zip of nothing): a typo is the run's
    problem, not a document's, and a run over nothing should not look like a run that worked."""
    from contextlib import closing

    from .errors import BadInput
    from .load.archive import inputs

    for name in paths:
        if not Path(name).exists():
            raise BadInput(f"{name}: no such file or folder")
        with closing(inputs([name], skip=skip, read=False)) as found:
            if next(found, None) is None:
                raise BadInput(f"{name}: no documents in this {'folder' if Path(name).is_dir() else 'archive'}")


def stops_on_a_full_disk(*, resumes: bool) -> Callable[[Callable], Callable]:
    """A disk that fills up under a command that writes a database or a JSON lines file ends it
    with one line and exit 2, not a traceback. What the database committed stays committed;
    `resumes`: the same command run again goes on from there."""

    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            from .errors import BadInput, ExtractorError, full_disk

            try:
                return command(*args, **kwargs)
            except ExtractorError:
                raise
            except Exception as e:
                full = full_disk(e)
                if full is None:
                    raise
                again = "run the same command again to go on where it stopped" if resumes else "run it again"
                where = _full_where(full, kwargs.get("db"), kwargs.get("output"))
                raise BadInput(f"the disk is full: cannot write {where}: make room and {again}") from e

        return guarded

    return decorate


def _full_where(error: BaseException, db: str | None, output: str | None) -> str:
    """The file a full disk stopped, and how it was told."""
    if isinstance(error, OSError):
        return f"{error.filename or output or 'a file'} ({error.strerror or error})"
    return f"the database {db} ({error})"


def own_files(output: str | None, db: str | None) -> list[str]:
    """The files a run writes, SQLite's companions included."""
    files = [output] if output else []
    if db:
        files += [db] + [db + suffix for suffix in ("-wal", "-shm", "-journal")]
    return files


def _emit(results: Iterable[Result], as_json: bool, output: str | None, *, written: bool = False) -> dict[str, int]:
    """Write each result as it comes (a JSON line flushed at once, a summary line), keeping
    only counts: an interrupted run leaves what it did, and memory does not grow. `written`:
    the JSON lines file is written by the batch engine, not here."""
    from .export import result_line
    from .export.cost import run_totals, usage_line
    from .export.summary import SummaryPrinter

    counts = {status: 0 for status in EXIT}
    printer = None if as_json else SummaryPrinter.for_stdout()
    used: list[LlmUsage] = []
    sink = open(output, "w", encoding="utf-8") if output and not written else None  # noqa: SIM115 - closed below
    try:
        for r in results:
            counts[r.status] += 1
            if sink is not None:
                sink.write(result_line(r) + "\n")
                sink.flush()
            if as_json and output is None:
                click.echo(result_line(r))
            elif printer is not None:
                printer.document(r)
            if r.status == "failed":
                message = r.error or f"{r.source.path}: {r.reasons[0].message if r.reasons else 'failed'}"
                click.echo(f"error: {message}", err=True)
            if r.llm is not None:
                click.echo(usage_line(r), err=True)
                used.append(r.llm)
    finally:
        if sink is not None:
            sink.close()
    if printer is not None:
        printer.totals(counts)
    if used:
        click.echo(run_totals(used), err=True)
    return counts


def _exit_code(counts: dict[str, int]) -> int:
    return max((EXIT[s] for s, n in counts.items() if n), default=0)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per document (JSON lines).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write JSON lines to this file.")
@click.option("--db", type=click.Path(dir_okay=False), help="Also store results, and queue for review, in this SQLite file.")
@model_options
@stops_on_a_full_disk(resumes=False)
def extract(paths: tuple[str, ...], as_json: bool, output: str | None, db: str | None, **model: Any) -> None:
    """Extract the tables of each document in PATHS (files, folders, zip archives).

    Exit code: 0 when every document is verified, 1 when some need review,
    2 when some could not be read or held no table.
    """
    from .batch import InProcess, Ledger, Lines, run
    from .load.archive import inputs

    each_holds_documents(paths, own_files(output, db))
    writable_file(output, "results")
    writable_file(db, "database")
    options = options_from_flags(**model)
    from .batch.guard import cap_memory

    cap_memory(options.limits.memory)  # documents are read in this process: it is their worker
    store = lines = None
    if db:
        from .store import Store

        store = Ledger(Store(db), options.fingerprint)
    try:
        if output:
            lines = Lines(output)
        # Every document is read, even one the database holds: a few files, asked for by name.
        outcomes = run(
            inputs(paths, skip=own_files(output, db), read=False, limits=options.limits), options=options,
            pool=InProcess(options, keep=True), store=store, output=lines, skip_done=False,
        )  # fmt: skip
        counts = _emit((o.result for o in outcomes if o.result is not None), as_json, output, written=True)
    finally:
        if lines is not None:
            lines.close()
        if store is not None:
            store.close()
    sys.exit(_exit_code(counts))


@cli.command("verify")
@click.argument("result_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the re-checked results as JSON lines.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write JSON lines to this file.")
def verify_command(result_file: str, as_json: bool, output: str | None) -> None:
    """Re-check results (for example hand-corrected ones) and recompute their status."""
    from .errors import BadInput
    from .export import read_results
    from .reconcile import assess

    writable_file(output, "results")
    try:
        results = read_results(result_file)
    except (ValueError, OSError) as e:
        raise BadInput(f"{result_file}: not a result file: {str(e).splitlines()[0]}") from None
    counts = _emit((assess(r) if r.error is None else r for r in results), as_json, output)
    sys.exit(_exit_code(counts))


@cli.command("eval")
@click.argument("golden_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--docs", "docs_dir", type=click.Path(exists=True, file_okay=False), help="Folder of the documents (default: docs/ beside the golden files).")
@click.option("--json-out", type=click.Path(dir_okay=False), help="Also write the evaluation as JSON to this file.")
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as JSON instead of the table.")
@model_options
def eval_command(golden_dir: str, docs_dir: str | None, json_out: str | None, as_json: bool, **model: Any) -> None:
    """Score the extraction of every document that has a golden file in GOLDEN_DIR.

    GOLDEN_DIR holds the golden JSON files, or an expected/ folder of them beside a docs/
    folder of the documents (as golden/ does). Exit code: 0, or 1 when a document was verified
    with a cell that differs from its golden (a false accept), 2 when the goldens cannot be read.
    """
    from rich.console import Console

    from .evaluate import evaluate, render_evaluation

    writable_file(json_out, "evaluation")
    options = options_from_flags(**model)
    ev = evaluate(golden_dir, docs_dir, options=options)
    text = ev.model_dump_json(indent=1)
    if json_out:
        Path(json_out).write_text(text + "\n", encoding="utf-8")
    if as_json:
        click.echo(text)
    else:
        render_evaluation(ev, Console(soft_wrap=True))
    sys.exit(1 if ev.totals.false_accepts else 0)


def main() -> None:  # pragma: no cover - console entry point
    cli()
