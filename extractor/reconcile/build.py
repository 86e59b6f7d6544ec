"""One extraction path's reading as a `Result`, before anything is decided about it."""

from __future__ import annotations

from ..extract.candidate import Candidate
from ..locate import Located
from ..models import Provenance, Result, Source, TableInfo


def _provenance(candidate: Candidate) -> dict[str, Provenance]:
    return {
        key: Provenance(
            kind=r.kind,
            raw=r.raw,
            location=r.loc.to_dict() if r.loc else None,
            method=candidate.method,
            note=r.note,
            ambiguous=r.ambiguous,
            confidence=None if r.confidence is None else round(r.confidence, 3),
            label_match=None if r.label_match is None else round(r.label_match, 1),
        )
        for key, r in candidate.readings().items()
    }


def source_of(located: Located) -> Source:
    doc = located.doc
    return Source(
        path=doc.path,
        sha256=doc.sha256,
        format=doc.format,
        size=doc.size,
        encoding=doc.encoding,
        pages=doc.pages,
        pages_without_text=list(doc.pages_without_text),
    )


def build_result(located: Located, candidate: Candidate) -> Result:
    """The candidate's cells and provenance with the document's facts; `status` is a
    placeholder until `assess` decides it."""
    tables = {
        t: TableInfo(found=tr.found, layout=tr.layout if t != "s4" else None, notes=tr.notes)
        for t, tr in candidate.tables.items()
    }
    return Result(
        source=source_of(located),
        organ=located.title.organ,
        year=located.title.year,
        template=located.template,
        status="failed",
        cells=candidate.values(),
        tables=tables,
        provenance=_provenance(candidate),
        ambiguities=[a.to_model() for a in candidate.ambiguities()],
        notes=list(located.title.notes) + located.doc.notes + candidate.notes,
        method=candidate.method,
    )
