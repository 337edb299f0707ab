"""Rendering pages in parallel processes.

Pages are pure functions of the plan and the theme, so they can be rendered anywhere. The
workers are forked from the build: they start with the renderer, its compiled templates and
every Markdown text already converted (markup's cache), and send back each page's bytes and
what it read. Results are
merged in page order, so the site is byte-identical to one rendered page by page.

Forking is only safe in a process with no other threads (a thread holding a lock at the fork
would leave the lock held forever in the child): `serve`, and programs with threads, render
page by page."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .render import Renderer, RenderedPage

MIN_PAGES = 200   # below this, starting the workers costs more than it saves

_renderer: Renderer | None = None   # the forked workers' renderer, inherited from the build


def jobs_for(pages: int, jobs: int | None) -> int:
    """How many processes to render with: `jobs`, else one per core, and 1 where forking is unsafe or not worth it."""
    wanted = jobs if jobs is not None else (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                                            else os.cpu_count() or 1)
    if wanted <= 1 or pages < MIN_PAGES or "fork" not in multiprocessing.get_all_start_methods() \
            or threading.active_count() > 1:
        return 1
    return wanted


def render_in_processes(renderer: Renderer, indices: list[int], jobs: int,
                        done: Callable[[int], None]) -> dict[int, RenderedPage]:
    """The pages at indices, rendered by `jobs` forked workers; done(n) as each batch of n is back.
    A page that fails is rendered again here, so its error is raised as rendering it alone raises it."""
    global _renderer
    pages = renderer.site.pages
    size = max(1, len(indices) // (jobs * 8))   # small enough to even out slow pages, large enough to batch
    chunks = [indices[i:i + size] for i in range(0, len(indices), size)]
    made: dict[int, RenderedPage] = {}
    _renderer = renderer
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_quiet) as pool:
            for chunk, (results, failed) in zip(chunks, pool.imap(_render, chunks)):
                if failed is not None:
                    renderer.page(pages[failed])   # raises the page's own error, located
                made.update(zip(chunk, results))
                done(len(chunk))
    finally:
        _renderer = None
    return made


def _quiet() -> None:
    """Workers leave Ctrl-C and `kill` to the build, which stops them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _render(chunk: list[int]):
    renderer = _renderer
    results = []
    for index in chunk:
        try:
            results.append(renderer.page(renderer.site.pages[index]))
        except Exception:   # not every exception pickles (ContentError holds a Report): say which page
            return results, index
    return results, None
