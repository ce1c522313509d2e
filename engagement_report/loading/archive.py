"""A workbook's zip archive checked by inflating it, before any parser reads it.

The sizes and checksums a zip archive declares are written by whoever made the file:
a 3 MB file can declare 20 KB and unpack to gigabytes, and a part altered without its
CRC is read as if intact by a parser that stops at the end of the XML. So every part is
inflated here once, as a stream (memory stays at a few megabytes), its bytes counted
against the declared size and the limit as they come, and its CRC-32 and the end of its
deflate stream checked. A library call runs this check before calamine reads the file;
the command line's read-ahead runs it beside calamine's read and drops the read when the
check fails (:mod:`.early`). Either way no figure is made from a file that fails it. The
parts are checked from the smallest declared size up, so a part that lies about its
size (declaring little, unpacking to gigabytes) is refused within moments of the read's
start: what calamine has unpacked by then is of the order of the sizes the parts
declare, which the declared-size check has already held to its limit. The inflating
is done by ISA-L (``isal``), which gives the same bytes and checksums as zlib in less
than half the time.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO, cast

from isal import isal_zlib

from engagement_report.errors import InputError

__all__ = ["verify_archive"]

_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … file name length, extra length
_READ_BYTES = 1 << 20
_OUT_BYTES = 16 << 20
_STORED, _DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
# ISA-L's error is its own class, not zlib's (its type stubs call it an instance).
_NOT_DEFLATE = (zlib.error, cast("type[Exception]", isal_zlib.error))


def verify_archive(path: Path, archive: zipfile.ZipFile) -> None:
    """Inflate every part of ``archive`` (opened from ``path``) and refuse the file when a
    part is damaged, fails its CRC or holds more than it declares.

    With each part held to its declared size, the declared total (which the caller
    checks against its limit before calling) bounds what any parser will unpack.
    """
    with path.open("rb") as handle:
        for info in sorted(archive.infolist(), key=lambda info: info.file_size):
            if info.is_dir():
                continue
            where = f"{path}: the part {info.filename!r}"
            if info.flag_bits & 0x1:
                raise InputError(f"{where} is encrypted; save the workbook again from Excel")
            if info.compress_type not in (_STORED, _DEFLATED):
                raise InputError(
                    f"{where} uses compression method {info.compress_type}, which Excel "
                    "never writes; save the workbook again from Excel"
                )
            size, crc = _inflate(handle, info, where)
            if size != info.file_size or crc != info.CRC:
                raise InputError(
                    f"{where} is damaged: it fails its checksum (CRC-32 {crc:08x}, "
                    f"declared {info.CRC:08x}; {size:,} bytes, declared {info.file_size:,}); "
                    "the file was altered or broken in transfer"
                )


def _inflate(handle: BinaryIO, info: zipfile.ZipInfo, where: str) -> tuple[int, int]:
    """The part's inflated size and CRC-32, counted as it inflates (refused as soon as it
    passes its declared size)."""
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size:
        raise InputError(f"{where} is cut short: the file ends inside it")
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if signature != b"PK\x03\x04":
        raise InputError(f"{where} is damaged: its header is not where the archive says")
    handle.seek(name_length + extra_length, 1)
    left = info.compress_size
    inflater = isal_zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == _DEFLATED else None
    size = crc = 0
    pending = b""
    while True:
        if not pending:
            if left <= 0:
                break
            pending = handle.read(min(left, _READ_BYTES))
            if not pending:
                raise InputError(f"{where} is cut short: the file ends inside it")
            left -= len(pending)
        if inflater is None:
            out, pending = pending, b""
        else:
            try:
                out = inflater.decompress(pending, _OUT_BYTES)
            except _NOT_DEFLATE as exc:
                raise InputError(
                    f"{where} is damaged: its compressed data does not inflate ({exc}); "
                    "the file was altered or broken in transfer"
                ) from None
            pending = inflater.unconsumed_tail
        size += len(out)
        if size > info.file_size:
            raise InputError(
                f"{where} is refused: it unpacks to more than the {info.file_size:,} bytes it "
                "declares (a decompression bomb or a broken file)"
            )
        crc = isal_zlib.crc32(out, crc)
        if inflater is not None and inflater.eof:
            break
    if inflater is not None and not inflater.eof:
        raise InputError(
            f"{where} is damaged: its compressed data ends before the part does; "
            "the file was altered or broken in transfer"
        )
    return size, crc
