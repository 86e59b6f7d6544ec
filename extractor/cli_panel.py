"""`extractor export --panel` and `--codebook`: the store as a researcher's panel, and its codebook.

    extractor export --db results.sqlite --panel --format parquet -o panel.parquet
    extractor export --codebook --format csv -o codebook.csv

Called by `extractor export` (cli_export), which stops cleanly on Ctrl-C around it.
"""

from __future__ import annotations

import click

from .errors import BadInput

PANEL_TYPES = {"year": "int32", "value": "float64", "corrected": "bool"}


def write_panel_or_codebook(db: str | None, fmt: str, output: str, *, codebook: bool, wide: bool) -> None:
    from .export import flat

    if wide:
        raise BadInput("--wide is for the documents' export: the panel has a row per organ, year and metric")
    if codebook:
        from .export.codebook import COLUMNS, codebook_rows

        n = flat.write(codebook_rows(), COLUMNS, output, fmt, sheet="codebook")
        click.echo(f"{n} metrics to {output}", err=True)
        return
    if db is None:
        raise BadInput("--panel reads a store: give --db")
    from .export.panel import COLUMNS, panel_rows, plan
    from .store import Store

    with Store(db, read_only=True) as store:
        chosen = plan(store)
        n = flat.write(panel_rows(store, chosen), COLUMNS, output, fmt, types=PANEL_TYPES, sheet="panel")
    duplicates = sum(len(oy.duplicates) for oy in chosen.organ_years)
    organs = len({oy.organ.organ_id for oy in chosen.organ_years})
    said = f"{n} rows to {output}: {organs} organ(s), {chosen.documents} organ-year(s)"
    said += f", {duplicates} other document(s) of an organ-year named in duplicates" if duplicates else ""
    said += f", {chosen.unplaced} document(s) with no organ or year left out" if chosen.unplaced else ""
    click.echo(said, err=True)
