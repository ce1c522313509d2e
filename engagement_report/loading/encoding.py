"""A CSV file's text encoding, decided by evidence from the whole file.

Offices export CSV as UTF-8 (with or without a BOM), from Russian-locale Excel as
Windows-1251, from older systems as KOI8-R or DOS (cp866), and from some tools as
UTF-16 with a BOM. A file is UTF-8 only if every byte of it decodes as UTF-8 (a
file whose first 64 KB is plain ASCII says nothing yet). Otherwise the one-byte
Cyrillic encodings are told apart by how the text reads in each: in the right one,
words are letters with a capital only at their start; in a wrong one, letters change
case inside words ("дБФБ" for KOI8-R's "Дата" read as Windows-1251) or turn into
box-drawing signs. A general detector (charset-normalizer) was tried and guessed
Big5 for a header and one row of Windows-1251: an office's file often holds a few
Cyrillic words only, and the candidates here are the ones offices use.

Standard library only (the read-ahead thread uses it before pandas is imported).
"""

from __future__ import annotations

import codecs
import mmap
import re
from pathlib import Path

from engagement_report.errors import InputError

__all__ = ["CYRILLIC_ONE_BYTE", "detect_file_encoding", "refuse_nul"]

CYRILLIC_ONE_BYTE = ("cp1251", "koi8-r", "cp866")
_CHUNK = 16 << 20
_EVIDENCE_BYTES = 64 * 1024
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_file_encoding(path: Path) -> str:
    """``utf-8-sig`` (UTF-8, BOM or not), ``utf-16`` (with a BOM), or the one-byte
    Cyrillic encoding the file reads best in. A NUL byte in a file that is not UTF-16
    is refused, naming its line: it is binary data, and would end up inside a cell.

    The evidence is the file's lines that hold non-ASCII bytes, wherever they are (up to
    64 KB of them): a file whose first 64 KB is plain ASCII is judged by its later
    lines. Arrow's reader then checks every byte of a file taken for UTF-8, and a file
    that turns out not to be is refused as mixed, naming the byte.
    """
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        if not size:
            return "utf-8-sig"
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            head = data[:4]
            for bom, name in _BOMS:
                if head.startswith(bom):
                    if name == "utf-16" and len(data) % 2:
                        raise InputError(
                            f"{path}: starts as UTF-16 text but has an odd number of bytes; "
                            "the file is cut short or not a text CSV file"
                        )
                    return name
            _refuse_nul(path, data)
            evidence = _non_ascii_lines(data)
    if not evidence:
        return "utf-8-sig"
    lines = evidence.splitlines()
    utf8 = sum(_is_utf8(line) for line in lines)
    if utf8 == len(lines):
        return "utf-8-sig"
    if utf8 * 10 >= len(lines):
        first = next(line for line in lines if not _is_utf8(line))
        raise InputError(
            f"{path}: mixed text encodings: {utf8} of {len(lines)} lines with letters "
            f"beyond ASCII are UTF-8 and the others are not (such as "
            f"{first[:60].decode('cp1251', errors='replace')!r}); save the file again as UTF-8"
        )
    return min(CYRILLIC_ONE_BYTE, key=lambda name: _misreading(evidence, name))


def refuse_nul(path: Path) -> None:
    """Refuse a file holding a NUL byte anywhere (for an encoding the config names)."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        _refuse_nul(path, data)


def _refuse_nul(path: Path, data: mmap.mmap) -> None:
    position = data.find(b"\x00")
    if position < 0:
        return
    if position < 64 * 1024:
        raise InputError(f"{path}: not a text CSV file (it holds binary data)")
    line = data[:position].count(b"\n") + 1
    raise InputError(
        f"{path}: line {line:,} holds a NUL byte (binary data, byte {position:,}); the file "
        "is damaged or not a text CSV file: export it again"
    )


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _non_ascii_lines(data: mmap.mmap) -> bytes:
    """The lines holding non-ASCII bytes, from the whole file, up to 64 KB of them."""
    evidence = bytearray()
    start = 0
    while start < len(data):
        chunk = data[start : start + _CHUNK]
        if start + len(chunk) < len(data):
            # whole lines only: the next chunk starts after this one's last line break
            cut = chunk.rfind(b"\n") + 1
            chunk = chunk[:cut] if cut else chunk
        start += len(chunk)
        if chunk.isascii():
            continue
        position = 0
        while (found := _HIGH_BYTE.search(chunk, position)) is not None:
            line_start = chunk.rfind(b"\n", 0, found.start()) + 1
            line_end = chunk.find(b"\n", found.start())
            line_end = len(chunk) if line_end < 0 else line_end
            evidence += chunk[line_start:line_end] + b"\n"
            if len(evidence) >= _EVIDENCE_BYTES:
                return bytes(evidence)
            position = line_end + 1
    return bytes(evidence)


def _misreading(evidence: bytes, encoding: str) -> float:
    """How badly ``evidence`` reads in ``encoding`` (lower is better): letters changing
    from lower to upper case inside a word and signs that are neither letters nor
    ordinary punctuation, per non-ASCII character; and, for text in capitals (where case
    tells nothing), how few of its letters are the Russian language's commonest."""
    text = evidence.decode(encoding, errors="replace")
    bad = high = letters = common = 0
    previous = ""
    for char in text:
        if ord(char) >= 0x80:
            high += 1
            if char.isalpha():
                letters += 1
                common += char.lower() in _COMMON_LETTERS
            elif char not in _PUNCTUATION:
                bad += 1
        if previous.isalpha() and char.isalpha() and previous.islower() and char.isupper():
            bad += 1
        previous = char
    return 2 * bad / max(high, 1) + (1 - common / max(letters, 1))


# The Russian letters that make up about three quarters of running text.
_COMMON_LETTERS = frozenset("оеаинтсрвлкмдпу")
_PUNCTUATION = frozenset("«»№–—…“”„‘’°§±·\u00a0")
