"""Step 2, locate: the title (organ, year), the zone of each table, and the layout each is printed in."""

from __future__ import annotations

from dataclasses import dataclass

from ..load.document import Document
from .layout import Layout, decide_layouts, template_of
from .stream import ROW, Stream, build
from .title import Title, read_title
from .zones import Zone, find_zones

__all__ = ["locate", "Located", "Zone", "Title", "Layout"]


@dataclass
class Located:
    doc: Document
    stream: Stream
    title: Title
    zones: dict[str, Zone | None]
    layouts: dict[str, Layout]

    @property
    def template(self) -> str | None:
        return template_of(self.layouts, self.title.year)

    def zone_text(self, table: str) -> str | None:
        """The source text of one table's zone, as printed (for a model, or a reviewer).

        One line per source row, the cells of a row separated by tabs (as `Document.text`
        writes them), so an empty cell stays an empty column. Tabs rather than `| a | b |`:
        the same structure for a fifth fewer tokens.
        """
        zone = self.zones.get(table)
        if zone is None:
            return None
        text, lines, pos = self.stream.text, [], zone.start
        while pos < zone.end:
            stop = text.find(ROW, pos, zone.end)
            stop = zone.end if stop < 0 else stop
            lines.append(self._row_text(pos, stop))
            pos = stop + 1
        return "\n".join(line for line in lines if line)

    def _row_text(self, start: int, end: int) -> str:
        stream = self.stream
        cid = next((c for i in range(start, end) if (c := stream.cell_at(i)) is not None), None)
        if cid is None:
            return ""
        row = self.doc.rows[stream.cell_row[cid]]
        cells = [" ".join(c.text.split()) for c in row.cells if not c.span_copy]
        whole = (start == 0 or stream.text[start - 1] == ROW) and (end >= len(stream.text) or stream.text[end] == ROW)
        if whole and len(cells) > 1:
            return "\t".join(cells)
        return stream.raw(start, end)


def locate(doc: Document) -> Located:
    stream = build(doc)
    title = read_title(doc, stream.compact)
    zones = find_zones(stream)
    return Located(doc, stream, title, zones, decide_layouts(stream, zones, title.year))
