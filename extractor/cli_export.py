"""`extractor export`: the store as a table a researcher opens.

    extractor export --db results.sqlite --format xlsx -o results.xlsx
    extractor export --db results.sqlite --format csv --wide -o results.csv
    extractor export --db results.sqlite --format xlsx --findings -o findings.xlsx

Every document as it stands (people's corrections over the reading), streamed from the
database: an export of any size holds one document at a time. Each file is put in place only
once complete; Ctrl-C or SIGTERM stops the export with one line and exit code 130, leaving
nothing at the output path (1 would say "needs review"). A CSV longer than a spreadsheet opens
says so on stderr, and how else to have it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from .cli import writable_file

FORMATS = ("csv", "xlsx", "parquet", "jsonl")
STOPPED = 130  # 128 + SIGINT, as a shell reports a job stopped by Ctrl-C


@contextmanager
def _stops_cleanly(output: str) -> Iterator[None]:
    """Ctrl-C or SIGTERM: the export's temporaries are gone by the time this hears of it."""
    from .export.atomic import Terminated, signals_raise

    try:
        with signals_raise():
            yield
    except KeyboardInterrupt as e:
        why = "terminated" if isinstance(e, Terminated) else "interrupted"
        click.echo(f"export {why}: nothing written to {output}", err=True)
        sys.exit(STOPPED)


@click.command("export")
@click.option("--db", type=click.Path(dir_okay=False), help="The SQLite results file (not needed for --codebook).")
@click.option("--format", "fmt", required=True, type=click.Choice(FORMATS), help="csv, xlsx, parquet or jsonl.")
@click.option(
    "--wide",
    is_flag=True,
    help="One row per document, a column per cell; default: a row per document and cell (XLSX: a sheet per document).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The file to write (XLSX: more than one past 1,000 documents, numbered).",
)
@click.option(
    "--findings",
    is_flag=True,
    help="One row per document and check that did not hold, in Chinese (XLSX: a sheet per organ): the list an auditing office sends back.",
)
@click.option("--panel", is_flag=True, help="One row per organ, year and metric, from the document chosen for each organ-year.")
@click.option("--codebook", is_flag=True, help="Every metric: its labels, templates, type, and whether it means the same in 2019 and 2021.")
def export(db: str | None, fmt: str, wide: bool, output: str, findings: bool, panel: bool, codebook: bool) -> None:
    """Write every document's cells, labels, states and statuses to a file."""
    from .errors import BadInput
    from .store import Store

    if panel or codebook:
        from .cli_panel import write_panel_or_codebook

        writable_file(output, "export")
        with _stops_cleanly(output):
            write_panel_or_codebook(db, fmt, output, codebook=codebook, wide=wide)
        return
    if db is None:
        raise BadInput("give the store to export: --db results.sqlite")
    writable_file(output, "export")
    with _stops_cleanly(output), Store(db, read_only=True) as store:  # an export changes nothing in the store
        from .export import tables, xlsx

        if findings:
            if fmt == "xlsx":
                xlsx.write_findings_xlsx(store, output)
                click.echo(f"the findings, a sheet per organ, to {output}", err=True)
                return
            n = tables.write_findings(store, output, fmt)
            click.echo(f"{n} findings to {output}", err=True)
            return _too_long_for_a_spreadsheet(fmt, n, output, "give --format xlsx (a sheet per organ)")
        if fmt == "xlsx":
            paths = [xlsx.write_wide_xlsx(store, output)] if wide else xlsx.write_xlsx(store, output)
            click.echo(f"{len(paths)} workbook(s): {', '.join(map(str, paths))}", err=True)
            return
        writer = {"csv": tables.write_csv, "jsonl": tables.write_jsonl, "parquet": tables.write_parquet}[fmt]
        n = writer(store, output, wide=wide)
        also = "" if wide else f", the documents' own columns to {tables.documents_file(output)}"
        click.echo(f"{n} rows to {output}{also}", err=True)
        _too_long_for_a_spreadsheet(fmt, n, output, "give --wide (a row per document), or --format parquet")


SPREADSHEET_ROWS = 1_048_576  # Excel's and LibreOffice's rows, the header's included


def _too_long_for_a_spreadsheet(fmt: str, rows: int | None, output: str, split: str) -> None:
    """A CSV a spreadsheet would cut short without a word: say so, and how else to have it."""
    if fmt == "csv" and rows is not None and rows + 1 > SPREADSHEET_ROWS:
        click.echo(
            f"warning: {output} has {rows:,} rows: a spreadsheet opens only the first {SPREADSHEET_ROWS - 1:,}"
            f" (Excel's limit of {SPREADSHEET_ROWS:,} rows); to open it in one, {split}",
            err=True,
        )
