"""A pebble pool that breaks as a whole: replaced when it had been working, its pages given back
to be submitted again; given up only when workers cannot start at all."""

import os
import signal
import time
from concurrent.futures import wait
from concurrent.futures.process import BrokenProcessPool

import pytest

from crawler.portals import get_portal
from pipelines.pool import BARREN_RESTARTS, Aborted, ExtractionPool, PoolBroken
from tests.test_pool import seed_page


class DiesWhenUnpickled:
    """A portal no worker can receive: unpickling it ends the worker, as a worker that crashes
    while starting would."""

    def __reduce__(self):
        return (os._exit, (3,))


def kill_an_idle_worker(pool: ExtractionPool) -> None:
    """What an out-of-memory kill does to a worker between pages: pebble finds no page to blame
    and breaks the whole pool ("All workers expired")."""
    workers = pool._pool._pool_manager.worker_manager.workers
    os.kill(next(iter(workers)), signal.SIGKILL)
    deadline = time.monotonic() + 10
    while pool._pool.active and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def working():
    """A pool that has extracted a page, and that page (url, body, headers, fetched_at)."""
    meta, body = seed_page()
    page = (meta["url"], body, meta["headers"], meta["fetched_at"])
    pool = ExtractionPool(get_portal("baohatinh"), workers=2)
    try:
        assert isinstance(pool.outcome(pool.submit(*page)), dict)
        yield pool, page
    finally:
        pool.close()


def test_a_pool_broken_by_a_worker_killed_between_pages_is_replaced(working):
    pool, page = working
    kill_an_idle_worker(pool)
    assert not pool._pool.active, "pebble no longer breaks here: revisit ExtractionPool"
    later = [pool.submit(*page) for _ in range(4)]
    wait(later, timeout=60)
    assert all(isinstance(pool.outcome(future), dict) for future in later)


def test_pages_held_by_a_pool_that_breaks_come_back_to_be_submitted_again(working):
    pool, page = working
    held = [pool.submit(*page) for _ in range(8)]
    # pebble's own reaction to a dead worker it cannot pin a page on
    pool._pool._pool_manager.handle_broken_pool(BrokenProcessPool("All workers expired"))
    done, waiting = wait(held, timeout=30)
    assert not waiting, "pages queued in the broken pool must not wait forever"
    outcomes = [pool.outcome(future) for future in held]
    assert all(isinstance(outcome, dict | Aborted) for outcome in outcomes)
    assert any(isinstance(outcome, Aborted) for outcome in outcomes)
    again = [pool.submit(*page) for outcome in outcomes if isinstance(outcome, Aborted)]
    wait(again, timeout=60)
    assert all(isinstance(pool.outcome(future), dict) for future in again)


def test_workers_that_cannot_start_break_the_pool_for_good():
    pool = ExtractionPool(DiesWhenUnpickled(), workers=1, timeout=5)
    attempts = 0
    try:
        with pytest.raises(PoolBroken, match="could not run"):
            while attempts <= BARREN_RESTARTS + 1:
                attempts += 1
                future = pool.submit("https://baohatinh.vn/a.html", b"<html></html>", {}, "2025")
                wait([future], timeout=30)
                assert isinstance(pool.outcome(future), Aborted)
        assert attempts == BARREN_RESTARTS + 1
    finally:
        pool.close()
