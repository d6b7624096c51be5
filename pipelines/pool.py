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
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, TimeoutError
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from pebble import ProcessExpired, ProcessPool

from pipelines.extraction import NotAnArticle
from pipelines.record import article_record

DEFAULT_FUNCTION = "pipelines.extraction.extract_article"
Extractor = Callable[..., Any]  # (url, body, headers, fetched_at, portal) -> Article


class PoolBroken(Exception):
    """The workers cannot run at all (they die as they start): no page can be extracted."""


@dataclass(frozen=True)
class WorkerFailure:
    """A page whose extraction did not return: it raised, hung past the timeout, or killed its
    worker. ``reason`` is what to record."""

    reason: str


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
        context = multiprocessing.get_context("forkserver")
        module = function.rpartition(".")[0]
        context.set_forkserver_preload(sorted({"pipelines.extraction", module}))
        self._pool = ProcessPool(
            max_workers=self.workers,
            initializer=_start_worker,
            initargs=(portal, function),
            context=context,
        )

    def submit(self, url: str, body: bytes, headers: dict[str, str], fetched_at: str) -> Future:
        """The page's extraction, under way; its result is what ``outcome`` reads."""
        try:
            future: Future = self._pool.schedule(
                _extract, (url, body, headers, fetched_at), timeout=self.timeout
            )
        except RuntimeError as error:  # pebble: "The Pool is not active"
            raise PoolBroken(str(error)) from None
        return future

    def outcome(self, future: Future) -> Any:
        """A finished future's result: the extractor's return value, a NotAnArticle, or a
        WorkerFailure. Raises PoolBroken only when no worker can run."""
        try:
            return future.result()
        except NotAnArticle as declined:
            return declined
        except BrokenProcessPool as error:
            raise PoolBroken(f"extraction workers could not run: {error}") from None
        except TimeoutError:
            return WorkerFailure(f"timeout: no result after {self.timeout:g} s")
        except ProcessExpired as expired:
            return WorkerFailure(f"worker died: exit code {expired.exitcode}")
        except Exception as error:  # noqa: BLE001 - the extractor's bug, for this page only
            return WorkerFailure(f"{type(error).__name__}: {error}"[:500])

    def close(self) -> None:
        """Stop the workers; extractions still under way are abandoned."""
        self._pool.stop()
        self._pool.join()


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
