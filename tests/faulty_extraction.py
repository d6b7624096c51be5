"""An extraction function that misbehaves on purpose, for the worker-isolation tests.

By URL (``fault-hang`` in it, or its CRC), the same in every process: some pages hang, some kill
their worker outright (as a segfault in a C parser would), some raise; every other page is
extracted for real.
"""

import os
import signal
import time
import zlib

from pipelines.extraction import extract_article


def fault(url: str) -> str | None:
    """What goes wrong with ``url``: "hang", "crash", "raise", or None."""
    for kind in ("hang", "crash", "raise"):
        if f"fault-{kind}" in url:
            return kind
    return {0: "hang", 1: "crash", 2: "raise"}.get(zlib.crc32(url.encode()) % 9)


def extract(url, body, headers, fetched_at, portal):
    kind = fault(url)
    if kind == "hang":
        time.sleep(3600)
    elif kind == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "raise":
        raise ValueError("the page broke the extractor")
    return extract_article(url, body, headers, fetched_at, portal)
