"""A loopback web server that answers HTTP Range requests with 206 Partial Content, as the
city's host must for the interactive map's PMTiles file (Python's http.server does not)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

RANGE = re.compile(r"bytes=(\d+)-(\d*)")


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".mjs": "text/javascript", ".pmtiles": "application/octet-stream"}
    ranges: list[str]  # the Range headers answered with 206, for tests to read

    def log_message(self, *args):
        pass

    def send_head(self):
        wanted = RANGE.fullmatch(self.headers.get("Range", "").strip())
        path = self.translate_path(self.path)
        if wanted is None or not os.path.isfile(path):
            return super().send_head()
        size = os.path.getsize(path)
        start = int(wanted[1])
        end = min(int(wanted[2]) if wanted[2] else size - 1, size - 1)
        if start >= size or end < start:
            self.send_error(416, "Range Not Satisfiable")
            return None
        with open(path, "rb") as stream:
            stream.seek(start)
            data = stream.read(end - start + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self.ranges.append(f"{self.path} {start}-{end}")
        return io.BytesIO(data)


@contextlib.contextmanager
def serve_with_ranges(folder: Path) -> Iterator[tuple[str, list[str]]]:
    """Serve a built site on loopback; yield its base URL and the list of ranges served."""
    ranges: list[str] = []
    handler_class = type("Handler", (RangeHandler,), {"ranges": ranges})
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", ranges
    finally:
        server.shutdown()
        server.server_close()
