"""Commands over the store: the review queue, and the HTTP service.

    extractor review list --db results.sqlite
    extractor review show 3 --db results.sqlite
    extractor review resolve 3 --db results.sqlite --set s3.carried_forward.total=1 --reviewer li
    extractor serve --db results.sqlite
"""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.markup import escape

from .store import ReviewError, Store

DB = click.option("--db", required=True, type=click.Path(dir_okay=False), help="The SQLite results file.")


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


@click.group()
def review() -> None:
    """The queue of documents a person must look at."""


@review.command("list")
@DB
@click.option("--state", type=click.Choice(["open", "resolved"]), default="open", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def list_reviews(db: str, state: str, as_json: bool) -> None:
    """List reviews with their reasons."""
    items = Store(db).reviews(state)  # type: ignore[arg-type]
    if as_json:
        for r in items:
            d = r.to_dict()
            click.echo(json.dumps({k: d[k] for k in ("id", "state", "path", "status", "reasons")}, ensure_ascii=False))
        return
    console = Console()
    for r in items:
        console.print(f"[bold]#{r.id}[/] {escape(r.result.source.path)}  {r.current.status}", highlight=False)
        for reason in r.current.reasons[:4]:
            console.print(f"    · {escape(reason.message)}", highlight=False)
    console.print(f"{len(items)} {state}", highlight=False)


@review.command("show")
@DB
@click.argument("review_id", type=int)
def show(db: str, review_id: int) -> None:
    """One review: reasons, and for each cell they name its value, raw text and location."""
    try:
        r = Store(db).review(review_id)
    except ReviewError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    result = r.current
    console = Console()
    console.print(f"[bold]#{r.id}[/] {escape(result.source.path)}  {result.status}  ({r.state})", highlight=False)
    named: list[str] = []
    for reason in result.reasons:
        console.print(f"  · {escape('[' + reason.code + ']')} {escape(reason.message)}", highlight=False)
        named += [k for k in reason.cells if k not in named]
    for key in named:
        p = result.provenance.get(key)
        where = json.dumps(p.location, ensure_ascii=False) if p and p.location else "-"
        raw = escape(p.raw) if p else ""
        console.print(f"    {key} = {result.cells.get(key)!r}  raw {raw!r}  at {where}", highlight=False)


@review.command("resolve")
@DB
@click.argument("review_id", type=int)
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE", help="Correct a cell (repeatable).")
@click.option("--accept", is_flag=True, help="Accept the document as printed (e.g. the source does not add up).")
@click.option("--reviewer")
@click.option("--note")
def resolve(db: str, review_id: int, assignments: tuple[str, ...], accept: bool, reviewer: str | None, note: str | None) -> None:
    """Correct cells (the result is verified again) or accept the document as printed."""
    cells = {}
    for a in assignments:
        key, sep, value = a.partition("=")
        if not sep:
            raise click.BadParameter(f"expected KEY=VALUE, got {a!r}")
        cells[key.strip()] = _parse_value(value)
    try:
        done = Store(db).resolve(review_id, cells=cells or None, accept=accept, reviewer=reviewer, note=note)
    except ReviewError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    click.echo(f"#{done.id} {done.state}: {done.current.status}")
    for reason in done.current.reasons:
        click.echo(f"    · {reason.message}")
    sys.exit(0 if done.state == "resolved" else 1)


@click.command()
@click.option("--db", type=click.Path(dir_okay=False), help="Store results and queue reviews in this SQLite file.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(db: str | None, host: str, port: int) -> None:
    """Run the HTTP service."""
    import uvicorn

    from .service import create_app

    uvicorn.run(create_app(Store(db) if db else None), host=host, port=port)
