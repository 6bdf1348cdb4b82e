"""A loopback web server that answers HTTP Range requests with 206 Partial Content, as the
city's host must for the interactive map's PMTiles file (Python's http.server does not):
the preview's own handler (``clairvoie serve``), which also records the ranges it served."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

from clairvoie.preview_server import RangeRequestHandler


class RecordingHandler(RangeRequestHandler):
    ranges: list[str]  # the Range headers received, for tests to read

    def log_message(self, *args):
        pass

    def send_head(self):
        if self.headers.get("Range"):
            self.ranges.append(f"{self.path} {self.headers['Range']}")
        return super().send_head()


@contextlib.contextmanager
def serve_with_ranges(folder: Path) -> Iterator[tuple[str, list[str]]]:
    """Serve a built site on loopback; yield its base URL and the list of ranges asked."""
    ranges: list[str] = []
    handler_class = type("Handler", (RecordingHandler,), {"ranges": ranges})
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", ranges
    finally:
        server.shutdown()
        server.server_close()
