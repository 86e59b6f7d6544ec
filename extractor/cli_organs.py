"""`extractor organs`: which printed names the store takes for one organ, and a person's say on it.

    extractor organs list --db results.sqlite --joined        # every automatic join, with why
    extractor organs split 洪泽区人民政府 --db results.sqlite     # a join undone: the name on its own
    extractor organs merge o12 o40 --db results.sqlite         # two organs made one (o12 kept)
    extractor organs load organs.csv --db results.sqlite       # a registry of organs over the names

A split or a merge holds whatever names arrive later, and the documents whose organ's other
years change are weighed again (cross-year checks and evidence run on the organ).
"""

from __future__ import annotations

import json

import click

from .cli_review import DB, _reviewer

REVIEWER = click.option("--reviewer", envvar="EXTRACTOR_REVIEWER", help="Who decides (else EXTRACTOR_REVIEWER, else the login name).")


@click.group()
def organs() -> None:
    """Organs across years and spellings: list the joins, split, merge, load a registry."""


@organs.command("list")
@DB
@click.option("--joined", is_flag=True, help="Only organs printed under several names (every automatic join), or left apart.")
@click.option("--organ", help="Only this organ: its organ_id or one of its names.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per organ.")
def list_organs(db: str, joined: bool, organ: str | None, as_json: bool) -> None:
    """Every organ, its names, how each joined and why."""
    from .store import Store

    with Store(db, read_only=True) as store:
        found = store.list_organs(organ=organ, joined_only=joined)
    for o in found:
        if as_json:
            click.echo(json.dumps(o.to_dict(), ensure_ascii=False))
            continue
        known = " ".join(x for x in (o.level, o.kind, o.region and f"region {o.region}", o.origin == "registry" and "registry") if x)
        click.echo(f"{o.organ_id}  {o.name}  ({known})")
        for n in o.names:
            years = ",".join(map(str, n.years)) or "-"
            click.echo(f"    {n.name}  [{n.how}]  {n.documents} document(s), {years}")
            if n.how not in ("first",):
                click.echo(f"        why: {n.why}")
            if n.apart:
                click.echo(f"        not joined: {n.apart}")
    if not as_json:
        click.echo(f"{len(found)} organ(s)", err=True)


@organs.command("split")
@click.argument("name")
@DB
@REVIEWER
def split(name: str, db: str, reviewer: str | None) -> None:
    """Take the printed NAME out of its organ into one of its own (no guess joins it again)."""
    from .store import Store

    with Store(db, create=False) as store:
        organ = store.split_organ(name, by=_reviewer(reviewer))
    click.echo(f"{name} is now organ {organ} on its own")


@organs.command("merge")
@click.argument("organ_ids", nargs=-1, required=True)
@DB
@REVIEWER
def merge(organ_ids: tuple[str, ...], db: str, reviewer: str | None) -> None:
    """Make the organs ORGAN_IDS one, under the first one's id."""
    from .store import Store

    with Store(db, create=False) as store:
        into = store.merge_organs(list(organ_ids), by=_reviewer(reviewer))
        names = [n.name for o in store.list_organs(organ=into) for n in o.names]
    click.echo(f"organ {into}: {', '.join(names)}")


@organs.command("load")
@click.argument("registry", type=click.Path(dir_okay=False, exists=True))
@DB
@REVIEWER
def load(registry: str, db: str, reviewer: str | None) -> None:
    """Load an organs registry (CSV: name, organ_id, region, level, kind) over the printed names."""
    from .store import Store
    from .store.organs.registry import read_registry

    entries = read_registry(registry)  # read whole before the store is touched: a bad line changes nothing
    with Store(db, create=False) as store:
        moved = store.load_organs(entries, by=_reviewer(reviewer))
    click.echo(f"{len(entries)} registry name(s) loaded; {moved} printed name(s) moved to another organ")
