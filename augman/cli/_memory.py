"""glibc malloc settings for a process that moves many large buffers between threads.

``stream`` reads -ref objects of about a megabyte on many threads and frees them on
another. With glibc's defaults each thread gets an arena of its own, and freed blocks
of this size stay in those arenas (the mmap threshold rises to the largest size freed),
so the process holds far more than it uses: 2,000 objects of 1 MiB at --concurrency 64
peaked ~60 MiB above the same run with the settings below (benchmarks/bench_refs.py
--memory). Blocks of 256 KiB or more are then mapped and unmapped, so freed memory
goes back to the system at once, and threads share two arenas. Not glibc: nothing done.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sys

_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


def return_large_blocks() -> None:
    """Map blocks of 256 KiB or more on their own, and use at most two arenas (glibc only)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError, TypeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 256 << 10)
        libc.mallopt(_M_ARENA_MAX, 2)
