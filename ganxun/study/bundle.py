"""The archive's attachments as one zip, written while it is sent: never more than a chunk in memory.

``zipfile`` writes to a stream it cannot seek (it then puts each entry's sizes in a data descriptor after the
data), so the zip goes to a small buffer that the response drains after every chunk.  Entry names are Chinese;
zipfile marks them UTF-8 (general purpose flag bit 11), which Windows' Explorer, 7-Zip and unzip read.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

CHUNK = 64 * 1024


class _Drain:
    """A write-only stream whose bytes are taken away as soon as they are written."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name`` with (2), (3) … before its extension when the folder already has one."""
    if name not in taken:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 2
    while True:
        candidate = f"{stem}({n}).{ext}" if dot else f"{stem}({n})"
        if candidate not in taken:
            return candidate
        n += 1


def entry_names(files: list[tuple[str, object]], labels: list[str]) -> list[str]:
    """The zip path of each file: its folder and its label (a material's name with the file's extension)."""
    taken: set[str] = set()
    names = []
    for (folder, _file), label in zip(files, labels, strict=True):
        clean = label.replace("/", "／").replace("\\", "＼").strip() or "附件"
        name = _unique(f"{folder}/{clean}", taken)
        taken.add(name)
        names.append(name)
    return names


def stream_zip(entries: list[tuple[str, object]]) -> Iterator[bytes]:
    """The zip of ``entries`` (path inside the zip, an opened-on-demand FieldFile), chunk by chunk."""
    drain = _Drain()
    with zipfile.ZipFile(drain, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, field_file in entries:
            try:
                source = field_file.open("rb")
            except (FileNotFoundError, OSError):
                continue  # a file gone from the storage is left out rather than breaking the download
            with source, archive.open(name, mode="w", force_zip64=True) as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    yield drain.take()
            yield drain.take()
    yield drain.take()
