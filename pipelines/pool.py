"""Extraction on worker processes, so the crawl's one reactor thread only fetches and stores.

trafilatura and lxml hold the GIL: extracting inline caps a crawl at one core. Here a pebble
``ProcessPool`` (one worker per core) runs the pure extraction function; the reactor awaits the
returned futures, so articles reach the store in the order extractions finish. A page that
crashes its worker (a segfault in a C parser, an out-of-memory kill) or runs past the timeout
costs that worker, which pebble replaces, and only that page: it comes back as a
``WorkerFailure`` with the reason, to be recorded, and the crawl goes on.

Workers are started by a fork server that has imported the extraction code once: no worker
inherits the reactor, its threads or its open files, and starting one costs a fork, not a
second of imports.

pebble's pool can break as a whole (its bookkeeping races a worker that dies just after taking a
page: "All workers expired"), after which it accepts nothing. A pool that broke after doing work
is replaced, and the pages it held come back as ``Aborted``, to be submitted again; only a pool
that keeps breaking without finishing a page (workers that die as they start) is ``PoolBroken``.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError, TimeoutError
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from pebble import ProcessExpired, ProcessPool

from pipelines.extraction import NotAnArticle
from pipelines.record import article_record

DEFAULT_FUNCTION = "pipelines.extraction.extract_article"
WATCH_INTERVAL = 0.2  # seconds between looks at the pool's health
BARREN_RESTARTS = 3  # replacements of a broken pool, in a row, with no page finished between
Extractor = Callable[..., Any]  # (url, body, headers, fetched_at, portal) -> Article


class PoolBroken(Exception):
    """The workers cannot run at all (they die as they start): no page can be extracted."""


@dataclass(frozen=True)
class WorkerFailure:
    """A page whose extraction did not return: it raised, hung past the timeout, or killed its
    worker. ``reason`` is what to record."""

    reason: str


@dataclass(frozen=True)
class Aborted(WorkerFailure):
    """A page the pool dropped when it broke (not necessarily the page that broke it): submit it
    again, once."""

    reason: str = "worker died: the extraction pool broke while it held this page"


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class ExtractionPool:
    """``workers`` processes running ``function`` (a dotted path, resolved in each worker) on
    pages of ``portal``; each call limited to ``timeout`` seconds."""

    def __init__(
        self,
        portal: Any,
        workers: int | None = None,
        timeout: float = 30.0,
        function: str = DEFAULT_FUNCTION,
    ) -> None:
        self.workers = workers or default_workers()
        self.timeout = timeout
        resolve(function)  # a wrong path fails here, with its reason, not in every worker
        self._context = multiprocessing.get_context("forkserver")
        module = function.rpartition(".")[0]
        self._context.set_forkserver_preload(sorted({"pipelines.extraction", module}))
        self._start = (portal, function)
        self._barren_restarts = 0
        self._pool, self._held = self._new_pool()

    def _new_pool(self) -> tuple[ProcessPool, set[Future]]:
        """A pool, and the set of its pages not yet finished, watched by a thread."""
        pool = ProcessPool(
            max_workers=self.workers,
            initializer=_start_worker,
            initargs=self._start,
            context=self._context,
        )
        held: set[Future] = set()
        threading.Thread(target=_watch, args=(pool, held), daemon=True).start()
        return pool, held

    def submit(self, url: str, body: bytes, headers: dict[str, str], fetched_at: str) -> Future:
        """The page's extraction, under way; its result is what ``outcome`` reads."""
        page = (url, body, headers, fetched_at)
        try:
            future: Future = self._pool.schedule(_extract, page, timeout=self.timeout)
        except RuntimeError as error:  # pebble: "Unexpected error within the Pool"
            self._replace(str(error))
            future = self._pool.schedule(_extract, page, timeout=self.timeout)
        self._held.add(future)
        future.add_done_callback(self._held.discard)
        return future

    def outcome(self, future: Future) -> Any:
        """A finished future's result: the extractor's return value, a NotAnArticle, or a
        WorkerFailure (``Aborted`` for a page to submit again). Raises PoolBroken only when no
        worker can run."""
        try:
            result = future.result()
        except NotAnArticle as declined:
            result = declined
        except BrokenProcessPool as error:
            self._replace(f"extraction workers could not run: {error}")
            return Aborted()
        except TimeoutError:
            return WorkerFailure(f"timeout: no result after {self.timeout:g} s")
        except ProcessExpired as expired:
            return WorkerFailure(f"worker died: exit code {expired.exitcode}")
        except Exception as error:  # noqa: BLE001 - the extractor's bug, for this page only
            return WorkerFailure(f"{type(error).__name__}: {error}"[:500])
        self._barren_restarts = 0
        return result

    def _replace(self, reason: str) -> None:
        """Replace a broken pool (once, however many of its pages report it), failing the pages
        it still held so that nobody waits on them; PoolBroken when replacing is pointless."""
        if self._pool.active:  # already replaced
            return
        if self._barren_restarts >= BARREN_RESTARTS:
            raise PoolBroken(reason)
        self._barren_restarts += 1
        broken, abandoned = self._pool, self._held
        self._pool, self._held = self._new_pool()
        _fail_all(abandoned)
        threading.Thread(target=_dispose, args=(broken,), daemon=True).start()

    def close(self) -> None:
        """Stop the workers; extractions still under way are abandoned."""
        self._pool.stop()
        self._pool.join()


def _watch(pool: ProcessPool, held: set[Future]) -> None:
    """Until ``pool`` stops: when it breaks, fail the pages it still holds. pebble fails only
    the pages it had handed to workers, and none at all when a worker dies idle (an out-of-memory
    kill): the pages in its queue would wait forever."""
    while pool.active:
        time.sleep(WATCH_INTERVAL)
    _fail_all(held)


def _fail_all(held: set[Future]) -> None:
    pending = list(held)
    held.clear()
    for future in pending:
        with contextlib.suppress(InvalidStateError):
            future.set_exception(BrokenProcessPool("the extraction pool broke"))


def _dispose(pool: ProcessPool) -> None:
    """Stop a broken pool's workers and threads, off the caller's thread (joining may wait)."""
    with contextlib.suppress(Exception):
        pool.stop()
        pool.join()


# In the worker ------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def resolve(function: str) -> Extractor:
    """The function at dotted path ``function``; ValueError saying why not."""
    module, _, name = function.rpartition(".")
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as error:
        raise ValueError(f"cannot use {function!r} as the extraction function: {error}") from None
    if not callable(found):
        raise ValueError(f"{function!r} is not a function")
    return found


def die_with_parent() -> None:
    """Have the kernel kill this process when the process that started it dies, kill -9
    included (Linux: PR_SET_PDEATHSIG), so no worker outlives the crawl or re-extraction that
    needed it. A parent already gone means exit now."""
    import ctypes
    import signal
    import sys

    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: workers end with their queue instead
        return
    if os.getppid() != parent:
        sys.exit(0)


def _start_worker(portal: Any, function: str) -> None:
    die_with_parent()
    _WORKER["function"] = resolve(function)
    _WORKER["portal"] = portal


def _extract(url: str, body: bytes, headers: dict[str, str], fetched_at: str) -> Any:
    """The article as an ``articles`` row (the worker also does the hashing), or raises."""
    article = _WORKER["function"](url, body, headers, fetched_at, _WORKER["portal"])
    return article_record(article)
