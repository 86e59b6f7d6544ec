"""The command line: a thin layer over `extractor.pipeline`.

    extractor extract report.txt other.md --json -o results.jsonl
    extractor verify results.jsonl
    extractor eval golden/ --json-out eval.json
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import click
from rich.console import Console

from .errors import ConfigError
from .export import read_results, render_summary, result_line
from .export.cost import run_totals, usage_line
from .extract.llm import LlmSettings
from .extract.llm.capabilities import FAMILIES, MODES
from .load.archive import inputs
from .models import Result
from .options import Options
from .pipeline import extract_input
from .reconcile import STRATEGIES, assess
from .store import Store

EXIT = {"verified": 0, "needs_review": 1, "failed": 2}


def _emit(results: list[Result], as_json: bool, output: str | None) -> None:
    lines = [result_line(r) for r in results]
    if output:
        Path(output).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    if as_json and not output:
        for line in lines:
            click.echo(line)
    elif not as_json:
        render_summary(results, Console(soft_wrap=False))


def _report_errors(results: list[Result]) -> None:
    for r in results:
        if r.status == "failed":
            message = r.error or f"{r.source.path}: {r.reasons[0].message if r.reasons else 'failed'}"
            click.echo(f"error: {message}", err=True)


def _exit_code(results: list[Result]) -> int:
    return max((EXIT[r.status] for r in results), default=0)


@click.group()
@click.version_option(package_name="gov-report-extractor")
def cli() -> None:
    """Extract and verify the statistical tables of government information-disclosure annual reports."""


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
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _options(
    strategy: str | None, model: str | None, base_url: str | None, mode: str | None, server: str | None,
    cache_dir: str | None, no_cache: bool, timeout: float | None,
) -> Options:
    try:
        settings = LlmSettings.from_env()
    except ValueError as e:  # e.g. EXTRACTOR_TIMEOUT is not a number
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    settings = settings.with_overrides(
        model=model, base_url=base_url, mode=mode, server=server, timeout=timeout,
        cache_dir=Path(cache_dir) if cache_dir else None,
    )
    if no_cache:
        settings = replace(settings, cache_dir=None)
    try:
        options = Options.from_settings(settings, strategy)
    except ConfigError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    # instructor logs every failed attempt at ERROR; each failure is already on its result.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    return options


def _report_usage(results: list[Result]) -> None:
    """Tokens in and out per document and for the run, on stderr (stdout may be JSON lines)."""
    used = [r for r in results if r.llm is not None]
    if not used:
        return
    for r in used:
        click.echo(usage_line(r), err=True)
    click.echo(run_totals(used), err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per document (JSON lines).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write JSON lines to this file.")
@click.option("--db", type=click.Path(dir_okay=False), help="Also store results, and queue for review, in this SQLite file.")
@model_options
def extract(paths: tuple[str, ...], as_json: bool, output: str | None, db: str | None, **model: object) -> None:
    """Extract the tables of each document in PATHS (files, folders, zip archives).

    Exit code: 0 when every document is verified, 1 when some need review,
    2 when some could not be read or held no table.
    """
    options = _options(**model)  # type: ignore[arg-type]
    store = Store(db) if db else None
    results = []
    for item in inputs(paths):
        result = extract_input(item, options=options)
        if store is not None:
            store.add(result)  # stored as it comes, so an interrupted batch keeps what it did
        results.append(result)
    _emit(results, as_json, output)
    _report_errors(results)
    _report_usage(results)
    sys.exit(_exit_code(results))


@cli.command("verify")
@click.argument("result_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the re-checked results as JSON lines.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write JSON lines to this file.")
def verify_command(result_file: str, as_json: bool, output: str | None) -> None:
    """Re-check results (for example hand-corrected ones) and recompute their status."""
    try:
        results = read_results(result_file)
    except (ValueError, OSError) as e:
        click.echo(f"error: {result_file}: not a result file: {str(e).splitlines()[0]}", err=True)
        sys.exit(2)
    checked = [assess(r) if r.error is None else r for r in results]
    _emit(checked, as_json, output)
    sys.exit(_exit_code(checked))


@cli.command("eval")
@click.argument("golden_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--docs", "docs_dir", type=click.Path(exists=True, file_okay=False), help="Folder of the documents (default: docs/ beside the golden files).")
@click.option("--json-out", type=click.Path(dir_okay=False, writable=True), help="Also write the evaluation as JSON to this file.")
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as JSON instead of the table.")
@model_options
def eval_command(golden_dir: str, docs_dir: str | None, json_out: str | None, as_json: bool, **model: object) -> None:
    """Score the extraction of every document that has a golden file in GOLDEN_DIR.

    GOLDEN_DIR holds the golden JSON files, or an expected/ folder of them beside a docs/
    folder of the documents (as golden/ does). Exit code: 0, or 1 when a document was verified
    with a cell that differs from its golden (a false accept), 2 when the goldens cannot be read.
    """
    from .evaluate import GoldenError, evaluate
    from .evaluate import render_evaluation

    options = _options(**model)  # type: ignore[arg-type]
    try:
        ev = evaluate(golden_dir, docs_dir, options=options)
    except GoldenError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    text = ev.model_dump_json(indent=1)
    if json_out:
        Path(json_out).write_text(text + "\n", encoding="utf-8")
    if as_json:
        click.echo(text)
    else:
        render_evaluation(ev, Console(soft_wrap=False))
    sys.exit(1 if ev.totals.false_accepts else 0)


def _register() -> None:
    from .cli_review import review, serve

    cli.add_command(review)
    cli.add_command(serve)


_register()


def main() -> None:  # pragma: no cover - console entry point
    cli()
