"""Step 2, locate: the title (organ, year) and the zone of each table in the document."""

from __future__ import annotations

from dataclasses import dataclass

from ..load.document import Document
from ..stream import Stream, build
from .title import Title, read_title
from .zones import Zone, find_zones

__all__ = ["locate", "Located", "Zone", "Title"]


@dataclass
class Located:
    doc: Document
    stream: Stream
    title: Title
    zones: dict[str, Zone | None]

    def zone_text(self, table: str) -> str | None:
        """The source text of one table's zone, as printed (for a model, or a reviewer)."""
        zone = self.zones.get(table)
        if zone is None:
            return None
        return self.stream.raw(zone.start, zone.end)


def locate(doc: Document) -> Located:
    stream = build(doc)
    return Located(doc, stream, read_title(doc, stream.compact), find_zones(stream))
