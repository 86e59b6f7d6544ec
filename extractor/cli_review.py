"""Commands over the store: the review queue, and the service (extractor.web).

    extractor review list --db results.sqlite --reason identity_failed
    extractor review show 3f2a9c --db results.sqlite
    extractor review resolve 3f2a9c --db results.sqlite --set s3.carried_forward.total=1 --reviewer li
    extractor serve --data ./extractor-data

A review is named by its document's sha256, or any prefix of it that names one document.
The store's errors (a missing database, an unknown document, a refused decision) reach the
command group, which prints them as one line and exits 2.
"""

from __future__ import annotations

import getpass
import itertools
import json
import sys
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from verify.layout import label

from .store import ORDERS, Filter, Review, Store, bulk

DB = click.option(
    "--db", required=True, type=click.Path(dir_okay=False), help="The SQLite results file (it must exist)."
)
# `list` and `show` only read: they open the file read-only, and an old store stays as it is.


def _parse_value(text: str) -> int | float | None:
    if text.strip().lower() in ("", "null", "none", "blank"):
        return None
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            raise click.BadParameter(f"not a number: {text!r}") from None


def _reviewer(given: str | None) -> str:
    if given:
        return given
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        raise click.UsageError("say who you are: --reviewer NAME (or EXTRACTOR_REVIEWER)") from None


@click.group()
def review() -> None:
    """The queue of documents a person must look at."""


# The queue's filters and orders, as the review page takes them (`store.Filter`, `store.ORDERS`).
_FILTERS = (
    click.option("--status", type=click.Choice(["needs_review", "failed", "verified"]), help="The document's status now."),
    click.option("--reason", metavar="CODE", help="Only reviews giving this reason (e.g. identity_failed)."),
    click.option("--organ", metavar="PART", help="Only organs whose name holds PART (郭巨 finds 郭巨乡人民政府)."),
    click.option("--path", metavar="PART", help="Only documents whose path holds PART (a folder, a name)."),
    click.option("--year", type=int, help="Only reports of this statistical year."),
    click.option("--template", type=click.Choice(["2019", "2021", "mixed"])),
    click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "docx", "pdf", "image"])),
    click.option("--method", type=click.Choice(["rules", "llm"]), help="What read the result that stands."),
    click.option("--sort", type=click.Choice(list(ORDERS)), default="doubt", show_default=True,
                 help="doubt: the most in doubt first; fewest: one-click fixes first, then the fewest cells in doubt; path; organ (and year)."),
)  # fmt: skip


def _filtered(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(_FILTERS):
        command = option(command)
    return command


def _where(state: str | None, status: str | None, reason: str | None, organ: str | None, path: str | None,
           year: int | None, template: str | None, fmt: str | None, method: str | None) -> Filter:  # fmt: skip
    return Filter(
        state=state, status=status, reason=reason, organ=organ or None, path=path or None,  # type: ignore[arg-type]
        year=year, template=template, format=fmt, method=method,
    )  # fmt: skip


@review.command("list")
@DB
@click.option("--state", type=click.Choice(["open", "resolved", "all"]), default="open", show_default=True)
@_filtered
@click.option("--limit", type=click.IntRange(min=1), help="At most this many (the first in the order).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per review (JSON lines).")
def list_reviews(db: str, state: str, sort: str, limit: int | None, as_json: bool, **chosen: Any) -> None:
    """List reviews, the most in doubt first (or in --sort's order), with their reasons."""
    store = Store(db, read_only=True)
    where = _where(None if state == "all" else state, **chosen)
    console = Console(soft_wrap=True)
    shown = 0
    for item in itertools.islice(store.reviews(where, order=sort), limit):
        shown += 1
        if as_json:
            click.echo(json.dumps(item.to_dict(), ensure_ascii=False))
            continue
        console.print(
            f"[bold]{item.sha256[:12]}[/] {item.state:<8} {item.status:<12} {escape(item.path)}"
            f"  ({item.doubt} in doubt)",
            highlight=False,
        )
        for r in item.reasons[:4]:
            console.print(f"    · {escape('[' + r.code + ']')} {escape(r.message)}", highlight=False)
    if not as_json:
        total = store.queue(where, limit=1).total
        console.print(f"{shown} of {total} {state}" if shown < total else f"{total} {state}", highlight=False)


@review.command("apply-suggestions")
@DB
@_filtered
@click.option("--reviewer", envvar="EXTRACTOR_REVIEWER", help="Who decides (else EXTRACTOR_REVIEWER, else the login name).")
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
def apply_suggestions(db: str, sort: str, reviewer: str | None, dry_run: bool, **chosen: Any) -> None:
    """Take the suggested value wherever the review page offers one click that makes every
    identity hold, in the open reviews the filters select (those another reviewer holds in the
    service are passed over). Each document is verified again and decided in the reviewer's
    name; one line per document changed, then a summary.

    Exit code: 0, also when some stay open or changed meanwhile (said on their lines); 2 on an error.
    """
    from .web.views import cell_label  # the names the review page gives cells

    store = Store(db, read_only=dry_run, create=False)
    who = _reviewer(reviewer)
    done = bulk.apply(store, bulk.select(store, _where("open", **chosen), "suggestions", reviewer=who, order=sort), reviewer=who, dry_run=dry_run)
    for o in done.outcomes:
        cells = "; ".join(f"{cell_label(k)}: {_value(was)} → {_value(now)}" for k, (was, now) in o.cells.items())
        line = f"{o.sha256[:12]} {o.path}  {cells}  {o.state}: {o.status}" if o.cells else f"{o.sha256[:12]} {o.path}  {o.state}: {o.problem}"
        click.echo(line)
    click.echo(done.summary())


def _value(value: int | float | None) -> str:
    return "blank" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _print_review(r: Review) -> None:
    console = Console(soft_wrap=True)
    result = r.current
    console.print(f"[bold]{r.sha256}[/]  {escape(r.path)}", highlight=False)
    state = r.state + (f" ({r.resolution} by {r.reviewer})" if r.state == "resolved" else "")
    console.print(f"  {result.status}, review {state}, version {r.version}; {escape(r.why)}", highlight=False)
    console.print(f"  run {r.run.id}: {r.run.strategy}, extractor {r.run.extractor or 'unknown'}", highlight=False)
    named: list[str] = []
    for reason in result.reasons:
        console.print(f"  · {escape('[' + reason.code + ']')} {escape(reason.message)}", highlight=False)
        named += [k for k in reason.cells if k not in named]
    for key in named:
        p = result.provenance.get(key)
        where = json.dumps(p.location, ensure_ascii=False) if p and p.location else "-"
        raw = escape(p.raw) if p else ""
        console.print(
            f"    {key} = {result.cells.get(key)!r}  ({escape(str(label(key)))})  raw {raw!r}  at {escape(where)}",
            highlight=False,
        )
    for c in r.corrections:
        note = f"  ({escape(c.note)})" if c.note else ""
        console.print(f"  corrected {c.key} = {c.value!r} by {escape(c.reviewer)} at {c.at}{note}", highlight=False)


@review.command("show")
@DB
@click.argument("document")
@click.option("--json", "as_json", is_flag=True, help="The review as one JSON object.")
@click.option("--history", is_flag=True, help="Also every event of the document, oldest first.")
def show(db: str, document: str, as_json: bool, history: bool) -> None:
    """One review: the reasons, and for each cell they name its value, label, raw text and location.

    DOCUMENT is the document's sha256, or a prefix of it that names one document.
    """
    store = Store(db, read_only=True)
    sha = store.lookup(document)
    r = store.review(sha)
    if as_json:
        d = r.to_dict()
        if history:
            d["history"] = [e.to_dict() for e in store.events(sha)]
        click.echo(json.dumps(d, ensure_ascii=False))
        return
    _print_review(r)
    if history:
        click.echo("  history:")
        for e in store.events(sha):
            click.echo(f"    {e}")


@review.command("resolve")
@DB
@click.argument("document")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE", help="Correct a cell (repeatable); 'blank' for no value.")
@click.option("--accept", is_flag=True, help="Accept the document as printed (e.g. the source does not add up); needs --note.")
@click.option("--reviewer", envvar="EXTRACTOR_REVIEWER", help="Who decides (else EXTRACTOR_REVIEWER, else the login name).")
@click.option("--note", help="Why; required with --accept.")
@click.option("--version", "version", type=int, help="The review's version you looked at: refused if someone changed it since.")
def resolve(
    db: str, document: str, assignments: tuple[str, ...], accept: bool, reviewer: str | None, note: str | None,
    version: int | None,
) -> None:
    """Correct cells (the result is verified again) or accept the document as printed.

    Exit code: 0 when the review is resolved, 1 when it stays open (the corrected result still
    does not verify), 2 on an error.
    """
    cells = {}
    for a in assignments:
        key, sep, value = a.partition("=")
        if not sep:
            raise click.BadParameter(f"expected KEY=VALUE, got {a!r}", param_hint="--set")
        cells[key.strip()] = _parse_value(value)
    store = Store(db, create=False)
    sha = store.lookup(document)
    done = store.resolve(sha, cells=cells or None, accept=accept, reviewer=_reviewer(reviewer), note=note, version=version)
    click.echo(f"{sha[:12]} {done.state}: {done.current.status}")
    for reason in done.current.reasons:
        click.echo(f"    · {reason.message}")
    sys.exit(0 if done.state == "resolved" else 1)


def _can_listen(host: str, port: int) -> None:
    """Fail in one line, before the store is opened and uvicorn starts (which would log its own
    error and exit 3), when the service could not listen at `host`:`port`. Bound as asyncio binds
    for uvicorn: every address the name gives, with SO_REUSEADDR, so a port in TIME_WAIT is free."""
    import errno
    import socket

    from .errors import ConfigError

    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise ConfigError(f"--host {host}: {e.strerror}") from None
    for family, kind, proto, _, address in addresses:
        try:
            sock = socket.socket(family, kind, proto)
        except OSError:
            continue  # a family this machine lacks: asyncio passes over it too
        with sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
            except OSError as e:
                if e.errno == errno.EADDRINUSE:
                    raise ConfigError(f"port {port} on {host} is in use") from None
                raise ConfigError(f"cannot listen on port {port} of {host}: {e.strerror or e}") from None


@click.command()
@click.option(
    "--data", default="extractor-data", show_default=True, type=click.Path(file_okay=False),
    help="The service's own folder: the documents given to it, its session key, and (unless --db) its database.",
)
@click.option("--db", type=click.Path(dir_okay=False), help="The SQLite results file (default: results.sqlite in --data).")
@click.option(
    "--tokens", envvar="EXTRACTOR_TOKENS_FILE", type=click.Path(dir_okay=False),
    help="The people it serves: a file of 'name token' lines (else EXTRACTOR_TOKENS_FILE). Without one: the local user, on loopback only.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--max-upload-mb", default=50.0, show_default=True, type=float, help="The largest upload taken.")
@click.option("--max-in-flight", default=16, show_default=True, type=int, help="Extractions one person may have waiting or being read.")
@click.option("--workers", type=click.IntRange(min=1), help="Processes reading documents (default: one per core).")
@click.option("--access-log", is_flag=True, help="Log every request.")
@click.option(
    "--sources", multiple=True, type=click.Path(file_okay=False),
    help="A folder to look for documents a batch read under, if they moved there (repeatable; else EXTRACTOR_SOURCES).",
)  # fmt: skip
def serve(
    data: str, db: str | None, tokens: str | None, host: str, port: int, max_upload_mb: float, max_in_flight: int,
    workers: int | None, access_log: bool, sources: tuple[str, ...],
) -> None:
    """Run the service: the review workbench at /, the API under /v1 (reference at /docs)."""
    from .web.settings import Settings

    settings = Settings.make(
        data=data, db=db, tokens=tokens, host=host, max_upload_mb=max_upload_mb, max_in_flight=max_in_flight, workers=workers,
        sources=sources or None,
    )  # fmt: skip
    _can_listen(host, port)
    import uvicorn

    from .web.app import create_app

    app = create_app(settings)  # opens the store: a file it refuses is the only line said
    click.echo(f"serving {'the local user' if settings.people.open else 'the people of ' + str(tokens)} at http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, access_log=access_log, log_level="warning")
