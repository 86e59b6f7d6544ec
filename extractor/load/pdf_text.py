"""How much text a PDF page holds, counted before pdfminer lays it out.

pdfminer makes an object of a few hundred bytes for every character it lays out, so a page
of a few million characters (a compressed content stream of a few kilobytes can hold them, or
a small form drawn a thousand times) costs gigabytes before anything can look at it. Most pages
are small and are not counted: a page whose content streams are large, or which draws forms,
is first interpreted by a device that only adds up the bytes of the strings it shows (an upper
bound on its characters), and stops as soon as the document is past its text limit.
"""

from __future__ import annotations

from typing import Any

from pdfminer.pdfdevice import PDFDevice
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdftypes import PDFStream, resolve1

from ..limits import Limits

# A page drawing more than this (bytes of decompressed content) is counted before it is read.
COUNT_PAST = 256 * 1024


class _Full(Exception):
    """The count went past what the document has left."""


class _Counter(PDFDevice):
    def __init__(self, rsrcmgr: PDFResourceManager, room: int) -> None:
        super().__init__(rsrcmgr)
        self.room = room
        self.count = 0

    def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
        self.count += sum(len(item) for item in seq if isinstance(item, bytes))
        if self.count > self.room:
            raise _Full


def check_page(page: Any, rsrcmgr: PDFResourceManager, limits: Limits, name: str, so_far: int) -> None:
    """Raise `OverLimit` when a pdfplumber page would take the document's text past its limit
    (`so_far`: characters of the pages before); a page small enough to be harmless is passed."""
    if not _worth_counting(page.page_obj):
        return
    counter = _Counter(rsrcmgr, limits.chars - so_far)
    try:
        PDFPageInterpreter(rsrcmgr, counter).process_page(page.page_obj)
    except _Full:
        raise limits.over("chars", so_far + counter.count, name, what=f"characters of text by page {page.page_number}", at_least=True) from None


def _worth_counting(page_obj: Any) -> bool:
    size = 0
    for stream in page_obj.contents or []:
        stream = resolve1(stream)
        if isinstance(stream, PDFStream):
            size += len(stream.get_data() or b"")  # decoded once: pdfminer keeps it for the reading
    return size > COUNT_PAST or _draws_forms(page_obj.resources)


def _draws_forms(resources: Any) -> bool:
    xobjects = resolve1((resolve1(resources) or {}).get("XObject")) or {}
    for ref in xobjects.values():
        xobj = resolve1(ref)
        if isinstance(xobj, PDFStream) and getattr(resolve1(xobj.get("Subtype")), "name", None) == "Form":
            return True
    return False
