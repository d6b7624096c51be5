"""Where a crawl's time goes: the Hanoi replay crawled under py-spy, the reactor thread's
samples grouped by what they were doing.

    pip install -e '.[bench]'     # py-spy
    python -m bench.profile_crawl [--rate 50] [--raw FILE]

Scrapy runs the crawl on one thread (the reactor); extraction runs in worker processes, which
this does not sample. Every sample of the reactor thread is put in the first group whose
function appears on its stack; the rest is Scrapy's, Twisted's and asyncio's own machinery.
py-spy slows the crawl by a few percent. Needs permission to ptrace the child (root, or
kernel.yama.ptrace_scope = 0). Prints a table and a final JSON line.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench.report import print_figures

GROUPS = [
    ("extraction, inline (before the pool)", ("extract_article (",)),
    ("handing pages to the extraction pool", ("ExtractPipeline.process_item (",)),
    ("HTML parse of each page, for its links", ("TextResponse.selector (",)),
    ("link discovery: resolve, classify, request", ("PortalSpider._links (",)),
    ("WARC records (gzip, digests)", ("WarcCaptureMiddleware.process_response (",)),
    ("SQLite writes", ("StorePipeline.", "BatchWriter.flush")),
    ("HTTP client (Twisted)", ("Connection.doRead (", "HTTP11DownloadHandler.download_request (")),
    ("scheduler and duplicate filter", ("Scheduler.enqueue_request (", "Scheduler.next_request (")),
    ("waiting for the network", ("EpollSelector.select (", "_PollLikeSelector.select (")),
]
OTHER = "Scrapy, Twisted and asyncio machinery"


def summarise(raw: Path) -> tuple[int, Counter[str]]:
    """Samples of the reactor thread (stacks through the event loop), by group."""
    groups: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if "run_forever" not in stack or not count.isdigit():
            continue
        total += int(count)
        name = next((name for name, marks in GROUPS if any(mark in stack for mark in marks)), OTHER)
        groups[name] += int(count)
    return total, groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=50, help="samples per second")
    parser.add_argument("--raw", type=Path, help="summarise this py-spy raw file instead")
    args = parser.parse_args()
    raw = args.raw
    if raw is None:
        py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        if not Path(py_spy).exists():
            sys.exit("py-spy is not installed: pip install -e '.[bench]'")
        folder = Path(tempfile.mkdtemp(prefix="portal-archive-profile-"))
        raw = folder / "crawl.raw"
        command = [sys.executable, "-m", "archive", "crawl", "hanoi-sotttt"]
        command += ["--db", str(folder / "hanoi.db")]
        spy = [py_spy, "record", "-r", str(args.rate), "--format", "raw", "-o", str(raw), "--"]
        done = subprocess.run(spy + command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not raw.exists():
            sys.exit(f"profiling failed:\n{done.stderr[-2000:]}")
    total, groups = summarise(raw)
    if not total:
        sys.exit(f"no reactor samples in {raw}")
    print(f"reactor-thread samples: {total}\n")
    print_figures(
        "profile_crawl",
        {name: f"{count / total:.1%}" for name, count in groups.most_common()},
    )


if __name__ == "__main__":
    main()
