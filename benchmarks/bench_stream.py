"""How close `augman stream` comes to a bare orjson loop, and what a bigger pipe buys.

Streams the inline attributes ``class,class-metadata`` of a generated Ground Truth
classification manifest (or ``bounding-box,bounding-box-metadata`` with ``--kind
bounding-box``; cached under benchmarks/data/) to /dev/null, ``--repeat``
times each: (a) ``for line in f: orjson.loads(line)``, (b) ``augman.stream(...)`` in
this process, (c) ``augman stream FILE -o /dev/null`` as a subprocess, and for
reference (d) the line checks alone, which every streamed line must pass. Prints each
median and the ratio bare / augman (the target is >= 0.7). Then the throughput of
augman's FIFO writer (1 MiB writes to a FIFO drained by ``cat``) with and without
``F_SETPIPE_SZ``.

    python benchmarks/bench_stream.py                        # 500,000 lines, 3 runs each
    python benchmarks/bench_stream.py --lines 1000000 --repeat 5
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import augman  # noqa: E402  (from this checkout)
from augman.checking.lines import LineChecker  # noqa: E402
from augman.outputs import sinks  # noqa: E402
from benchmarks.bench_validate import bare, manifest, median_seconds  # noqa: E402

INLINE = {  # the attributes streamed from each kind of manifest: none of them is a -ref
    "classification": ["class", "class-metadata"],
    "bounding-box": ["bounding-box", "bounding-box-metadata"],
}
ATTRS = INLINE["classification"]


class DevNull:
    """A sink that writes every epoch to /dev/null through augman's own writer."""

    @contextlib.contextmanager
    def epoch(self, index: int) -> Iterator[sinks.Output]:
        fd = os.open(os.devnull, os.O_WRONLY)
        try:
            yield sinks.FdOutput(fd, os.devnull)
        finally:
            os.close(fd)


def checks_only(path: Path) -> None:
    """The floor: the line checks every streamed line must pass, and nothing else."""
    check = LineChecker(str(path), lambda finding: None, ATTRS).check
    with open(path, "rb") as lines:
        for line_no, line in enumerate(lines, 1):
            check(line_no, line)


def library(path: Path) -> None:
    augman.stream(str(path), DevNull(), attrs=ATTRS)


def command(path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "augman", "stream", str(path), "--attrs", ",".join(ATTRS),
         "-o", os.devnull],
        check=True, cwd=ROOT,
    )  # fmt: skip


def fifo_throughput(megabytes: int, pipe_size: int) -> float:
    """MiB/s written through ``sinks.to_fifo`` to ``cat > /dev/null``."""
    sinks.PIPE_SIZE = pipe_size
    block = b"\x00" * (1 << 20)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pipe"
        os.mkfifo(path)
        reader = subprocess.Popen(["cat", str(path)], stdout=subprocess.DEVNULL)
        start = time.perf_counter()
        with sinks.to_fifo(path) as sink, sink.epoch(0) as output:
            for _ in range(megabytes):
                output.write(block)
        reader.wait()
        return megabytes / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kind", choices=sorted(INLINE), default="classification")
    parser.add_argument("--fifo-mib", type=int, default=2048)
    args = parser.parse_args()
    global ATTRS
    ATTRS = INLINE[args.kind]
    path = manifest(args.lines, args.kind, 1)
    size = path.stat().st_size / 1e6
    rows = [
        ("bare orjson loop", lambda: bare(path)),
        ("the line checks alone (`LineChecker`)", lambda: checks_only(path)),
        ("`augman.stream()`", lambda: library(path)),
        ("`augman stream` (CLI)", lambda: command(path)),
    ]
    baseline = None
    print(f"| {args.lines:,} {args.kind} lines ({size:.0f} MB), `--attrs {','.join(ATTRS)}` "
          f"| median of {args.repeat} | "
          "throughput | ratio |\n| --- | ---: | ---: | ---: |")  # fmt: skip
    for name, run in rows:
        seconds = median_seconds(run, args.repeat)
        baseline = baseline or seconds
        print(
            f"| {name} | {seconds:.2f} s | {size / seconds:.0f} MB/s | {baseline / seconds:.2f} |"
        )
    if args.fifo_mib:
        fifo_table(args.fifo_mib, args.repeat)


def fifo_table(megabytes: int, repeat: int) -> None:
    default = sinks.PIPE_SIZE
    print(f"\n| FIFO writer, {megabytes} MiB in 1 MiB writes | MiB/s |\n| --- | ---: |")
    for name, pipe_size in [("kernel default pipe (64 KiB)", 0), ("F_SETPIPE_SZ 1 MiB", default)]:
        speeds = [fifo_throughput(megabytes, pipe_size) for _ in range(repeat)]
        print(f"| {name} | {statistics.median(speeds):,.0f} |")


if __name__ == "__main__":
    main()
