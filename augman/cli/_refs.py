"""``validate --check-refs``: the bare flag, the progress bar and the summary line on stderr."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from typer._click import Context

from augman.cli._app import PROGRESS_AFTER
from augman.cli._commands import AugmanCommand
from augman.options import RefCheck

FLAG = "--check-refs"
_VALUES = {mode.value for mode in RefCheck}


class CheckRefsCommand(AugmanCommand):
    """A command whose ``--check-refs`` may come without a value (then it means ``all``).

    Click options take a value or none, not both: a bare ``--check-refs`` (followed by
    no mode name) is read as ``--check-refs=all`` before parsing.
    """

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, with_bare_flag(args))


def with_bare_flag(args: list[str]) -> list[str]:
    """``--check-refs`` not followed by ``all``, ``selected`` or ``content`` → ``--check-refs=all``."""
    out: list[str] = []
    for at, arg in enumerate(args):
        if arg == "--":
            return out + args[at:]
        following = args[at + 1] if at + 1 < len(args) else None
        bare = arg == FLAG and following not in _VALUES
        out.append(f"{FLAG}={RefCheck.all.value}" if bare else arg)
    return out


@contextlib.contextmanager
def progress_bar(console: Any) -> Iterator[Callable[[int, int], None] | None]:
    """``progress(done, total)``: refs checked / total and the rate, on a terminal only.

    As the reading bar, it shows only once the check has taken ``PROGRESS_AFTER`` seconds.
    """
    if not sys.stderr.isatty() or os.environ.get("AUGMAN_NO_PROGRESS"):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("checking refs"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"), console=console, transient=True,
    )  # fmt: skip
    task = bar.add_task("refs", total=None, rate="")
    started: list[float] = []
    shown = [0.0]

    def update(done: int, total: int) -> None:
        now = time.monotonic()
        if not started:
            started.append(now)
        if now - started[0] < PROGRESS_AFTER or (now - shown[0] < 0.1 and done != total):
            return
        if not bar.live.is_started:
            bar.start()
        shown[0] = now
        rate = done / max(now - started[0], 1e-6)
        bar.update(task, completed=done, total=total, rate=f"{rate:,.0f} refs/s")

    try:
        yield update
    finally:
        if bar.live.is_started:
            bar.stop()


def summary_line(refs: Mapping[str, Any]) -> str:
    """``refs: 1,000 distinct of 1,200 uses, 12 requests (auto), 3.1 s``."""
    parts = [f"refs: {refs['distinct']:,} distinct of {refs['uses']:,} uses"]
    parts.append(f"{refs['requests']:,} requests ({refs['strategy']})")
    if refs.get("in_mirrors"):
        parts.append(f"{refs['in_mirrors']:,} in mirrors")
    if refs.get("content"):
        parts.append(f"{refs['bytes_read']:,} bytes read")
    if refs.get("throttled"):
        parts.append(f"slowed down {refs['throttled']:,} times")
    rate = refs["distinct"] / max(refs["seconds"], 1e-6)
    parts.append(f"{refs['seconds']:.1f} s ({rate:,.0f} refs/s)")
    return ", ".join(parts)
