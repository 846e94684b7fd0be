"""A stored file served with HTTP range requests (RFC 9110 §14), which a <video> needs to seek and to start
playing before the whole file has arrived.  Django's FileResponse has no range support.

One range only (``bytes=a-b``, ``bytes=a-``, ``bytes=-n``): a header with several ranges, or one that is not a
byte range at all, is ignored and the whole file is sent (a server may always ignore Range).  A range that starts
past the end is 416 with ``Content-Range: bytes */size``.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from typing import IO

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

CHUNK = 64 * 1024
RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class Unsatisfiable(Exception):
    pass


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte, inclusive, of a single satisfiable range; None: serve the whole file; Unsatisfiable:
    a well-formed range with no byte inside the file."""
    if not header:
        return None
    match = RANGE.match(header)
    if match is None:  # several ranges, another unit, garbage: ignored
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last n bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - suffix), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # invalid: ignored, as RFC 9110 says of an invalid range
    if start >= size:
        raise Unsatisfiable
    return start, min(end, size - 1)


def _chunks(handle: IO[bytes], start: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        left = length
        while left > 0:
            data = handle.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            yield data
    finally:
        handle.close()


def ranged_file_response(handle: IO[bytes], *, size: int, name: str, range_header: str | None) -> HttpResponse:
    """The file whole (200) or the range asked for (206), shown in the page (inline); 416 for a range past
    the end.  ``handle`` is closed in every case."""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    try:
        wanted = parse_range(range_header, size)
    except Unsatisfiable:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    if wanted is None:
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        start, end = wanted
        response = StreamingHttpResponse(_chunks(handle, start, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = content_disposition_header(False, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
