"""Frames in cache entries: Arrow IPC files (LZ4), written and read on the calling thread."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def write_arrow(target: Path, table: pa.Table | pd.DataFrame) -> None:
    """Write ``table`` (a frame: without its index) as an Arrow IPC file (Feather), LZ4.

    All of it on the calling thread: a cache writer runs at the lowest priority, and the
    threads Arrow and pyarrow would otherwise convert and compress on do not.
    """
    import pyarrow as pa

    if not isinstance(table, pa.Table):
        table = pa.Table.from_pandas(table, preserve_index=False, nthreads=1)
    options = pa.ipc.IpcWriteOptions(compression="lz4", use_threads=False)
    with (
        pa.OSFile(str(target), "wb") as sink,
        pa.ipc.new_file(sink, table.schema, options=options) as writer,
    ):
        writer.write_table(table)


def read_frame(data: bytes) -> pd.DataFrame:
    """The frame of an Arrow IPC file's bytes (already checked against their checksum),
    as pandas reads a Feather file."""
    import io

    import pandas as pd

    return pd.read_feather(io.BytesIO(data))
