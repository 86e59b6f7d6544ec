"""The zstd dictionaries a result's JSON is compressed against (`packing.pack`).

A result alone compresses to about 7.5 KB; most of what it says (the template's two hundred
keys, the checks' names and messages, the shape of each cell's provenance) every result says
again, and a dictionary learnt from many results lets each keep only what is its own: about
3.5 KB. A dictionary, once used, never changes: what it compressed is read with it for ever;
a better one is added under the next number and made the one `pack` uses.
(tests/data/make_result_dictionary.py says how each was made.)

    >>> text = '{"status":"verified","cells":{"s2.regulations.new_made":0}}'
    >>> decompressor(DICTIONARY).decompress(compressor().compress(text.encode())).decode() == text
    True
"""

from __future__ import annotations

import threading
from functools import cache
from importlib.resources import files

import zstandard

DICTIONARY = 1  # the one new results are compressed with
LEVEL = 12  # level 15 keeps 8% less and takes twice the time; the batch's writer compresses reviews
_FILES = {1: "results-1.zdict"}
_local = threading.local()  # a compressor holds state: one per thread


@cache
def _dictionary(number: int) -> zstandard.ZstdCompressionDict:
    try:
        name = _FILES[number]
    except KeyError:
        raise ValueError(f"a result compressed with dictionary {number}, which this version does not have: upgrade the extractor") from None
    return zstandard.ZstdCompressionDict(files("extractor.store").joinpath(name).read_bytes())


def compressor() -> zstandard.ZstdCompressor:
    """This thread's compressor, with the current dictionary."""
    found = getattr(_local, "compressor", None)
    if found is None:
        found = _local.compressor = zstandard.ZstdCompressor(level=LEVEL, dict_data=_dictionary(DICTIONARY))
    return found


def decompressor(number: int) -> zstandard.ZstdDecompressor:
    """This thread's decompressor for dictionary `number`."""
    made = getattr(_local, "decompressors", None)
    if made is None:
        made = _local.decompressors = {}
    if number not in made:
        made[number] = zstandard.ZstdDecompressor(dict_data=_dictionary(number))
    return made[number]
