"""Run many small tasks on a thread pool, a bounded number in flight, more added as they end."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")

Task = Callable[[], T]


def run_all(
    tasks: Iterable[Task[T]], workers: int, more: Callable[[T], Iterable[Task[T]]]
) -> Iterator[T]:
    """Yield each task's result as it ends; ``more(result)`` may add tasks.

    At most ``2 * workers`` tasks are queued at once, so millions of tasks cost no
    more memory than a few. The first exception stops the rest and is raised.
    """
    source = iter(tasks)
    extra: deque[Task[T]] = deque()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="augman-refs") as pool:
        running: set[Future[T]] = set()
        try:
            while True:
                while len(running) < 2 * workers:
                    task = extra.popleft() if extra else next(source, None)
                    if task is None:
                        break
                    running.add(pool.submit(task))
                if not running:
                    return
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    result = future.result()
                    extra.extend(more(result))
                    yield result
        finally:
            for future in running:
                future.cancel()
