"""Peak memory of a crawl over hostile pages: four listing pages of a simulated portal answer
20 MB of a million on-site article links each. Run with the link cap (the default) and without
it (ARCHIVE_MAX_LINKS_PER_PAGE=0, as before the cap), in the same run, each in a fresh process.

    .venv/bin/python -m bench.hostile

Prints each crawl's peak RSS (the crawl process; its extraction workers are separate) and
time; a crawl still running after LIMIT seconds is stopped with SIGTERM. Target (issue 19): at
most 500 MB with the cap, not met yet (see the README's Benchmarks).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simulator import Simulator
from simulator.site import Fault

PORTAL = "hatinhcity"
FLOODED = r"^/tin-tuc-su-kien\.html\?page=[2-5]$"
LIMIT = 60  # seconds a crawl may run: uncapped, it would queue two million requests


def crawl(sim: Simulator, db: Path, *settings: str) -> tuple[float, float, int]:
    """(peak RSS in MB, seconds, exit status) of one crawl in a fresh process."""
    command = [sys.executable, "-m", "archive", "crawl", PORTAL, "--db", str(db), "-q"]
    command += ["--fetch-base", sim.base_url(PORTAL), *settings]
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stopped = False
    while True:  # not Popen.wait: it would reap the child before wait4 reads its usage
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)  # ru_maxrss: kilobytes
        if pid:
            break
        if not stopped and time.monotonic() - started > LIMIT:
            child.terminate()  # SIGTERM: the crawl stops within seconds, its run interrupted
            stopped = True
        time.sleep(0.2)
    seconds = time.monotonic() - started
    return usage.ru_maxrss / 1024, seconds, status >> 8


def main() -> None:
    with (
        Simulator(seed=5, articles=300, only=[PORTAL]) as sim,
        tempfile.TemporaryDirectory() as tmp,
    ):
        site = sim.sites[PORTAL]
        site.faults.append(Fault(FLOODED, "link_flood", link_prefix="/tin-tuc-su-kien/flood-"))
        rows: list[tuple[str, float, float, int]] = []
        for label, settings in (
            ("capped (5,000 links a page)", ()),
            ("uncapped (as before)", ("-s", "ARCHIVE_MAX_LINKS_PER_PAGE=0")),
        ):
            peak, seconds, status = crawl(sim, Path(tmp) / f"{len(rows)}.db", *settings)
            rows.append((label, peak, seconds, status))
    print(f"{'crawl over 4 link-flood pages':32} {'peak RSS':>10} {'time':>8} {'exit':>5}")
    for label, peak, seconds, status in rows:
        print(f"{label:32} {peak:8.0f} MB {seconds:6.1f} s {status:5d}")
    print(f"ratio uncapped/capped peak RSS: {rows[1][1] / rows[0][1]:.1f}x")


if __name__ == "__main__":
    main()
