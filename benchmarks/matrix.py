"""Time augman on a matrix of manifest shapes x commands against a bare orjson loop.

    python benchmarks/matrix.py                                   # 200,000 lines, median of 3
    python benchmarks/matrix.py --lines 50000 --repeat 5 --shapes bbox-gzip,bbox-stdin \\
        --commands validate,stream --markdown /tmp/matrix.md

Every run is a fresh subprocess of this interpreter, so interpreter start-up counts on both
sides: the baseline is ``python -c 'for line in f: orjson.loads(line)'`` over the same input
(through ``gzip.open`` for a gzip file), the other side is the ``augman`` CLI with stdout to
/dev/null. The two alternate ``--repeat`` times; each median is reported and the ratio is
bare / augman (higher is better). One markdown table per command, worst row first. The peak
RSS of the augman process comes from ``os.wait4``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.shapes import DATA, SHAPES, Shape, ensure, uncompressed_size  # noqa: E402

TARGETS: dict[str, float] = {
    "validate": 0.8,
    "validate-jobs2": 1.5,
    "stream": 0.7,
    "select-head": 0.9,
    "stats": 0.5,
}
COMMANDS = tuple(TARGETS)
BARE = """\
import gzip, sys, orjson
path = sys.argv[1]
f = gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")
for line in f:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        pass
"""
HEADER = ("shape", "lines", "MB", "bare s", "augman s", "ratio", "target", "met?", "peak MB")


@dataclass(frozen=True)
class Run:
    """One finished subprocess."""

    seconds: float
    code: int
    peak_kib: int  # ru_maxrss: KiB on Linux
    stderr: str


@dataclass(frozen=True)
class Row:
    """One shape x command: medians, or the error that stopped it."""

    shape: str
    lines: int
    megabytes: float
    bare: float
    augman: float
    target: float
    peak_mib: float
    error: str = ""

    @property
    def ratio(self) -> float:
        return self.bare / self.augman if self.augman and not self.error else 0.0

    @property
    def met(self) -> bool:
        return not self.error and self.ratio >= self.target


# -- running --------------------------------------------------------------------------


def environment() -> dict[str, str]:
    """The checkout on the path, no progress bars."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return dict(os.environ, PYTHONPATH=path, AUGMAN_NO_PROGRESS="1")


def run(argv: list[str], stdin_from: Path | None = None) -> Run:
    """Run ``argv`` with stdout to /dev/null, optionally fed ``stdin_from`` through a pipe."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        feeder = None
        if stdin_from is not None:
            feeder = subprocess.Popen(["cat", str(stdin_from)], stdout=subprocess.PIPE)
        stdin = feeder.stdout if feeder else subprocess.DEVNULL
        proc = subprocess.Popen(
            argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=err, env=environment()
        )
        if feeder and feeder.stdout:
            feeder.stdout.close()  # augman holds the read end now
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if feeder:
            feeder.wait()
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    return Run(seconds, proc.returncode, usage.ru_maxrss, stderr)


def bare_argv(path: Path) -> list[str]:
    return [sys.executable, "-c", BARE, str(path)]


def augman_argv(shape: Shape, command: str, path: Path, lines: int) -> list[str]:
    """The augman command line for ``command`` on ``shape`` (``-`` for a stdin shape)."""
    source = "-" if shape.stdin else str(path)
    check = ",".join(shape.validate_attrs)
    skip = ["--on-error", "skip"] if shape.defects else []
    stream = ["stream", source, "--attrs", ",".join(shape.stream_attrs), "-o", os.devnull]
    validate = ["validate", source, "--attrs", check, "--format", "json", "--max-findings", "100"]
    commands = {
        "validate": validate,
        "validate-jobs2": [*validate, "--jobs", "2"],
        "stream": [*stream, *skip, "--allow-skips"] if skip else stream,
        "select-head": ["select", source, "--head", str(lines), *skip],
        "stats": ["stats", source, "--format", "json"],
    }
    return [sys.executable, "-m", "augman", *commands[command]]


def expected_codes(shape: Shape, command: str) -> set[int]:
    """Exit codes of a completed run: validate exits 1 on findings, select on skipped lines."""
    if command.startswith("validate") or (command == "select-head" and shape.defects):
        return {0, 1}
    return {0}


def measure(shape: Shape, command: str, path: Path, lines: int, repeat: int) -> Row:
    """Alternate the bare loop and augman ``repeat`` times; medians, or the first failure."""
    argv = augman_argv(shape, command, path, lines)
    stdin_from = path if shape.stdin else None
    bare_times, augman_times, peaks = [], [], []
    megabytes = uncompressed_size(path) / 1e6
    for _ in range(repeat):
        bare = run(bare_argv(path))
        if bare.code != 0:
            raise SystemExit(f"the bare loop failed on {path}:\n{bare.stderr}")
        done = run(argv, stdin_from)
        if done.code not in expected_codes(shape, command):
            return failed(shape, command, lines, megabytes, argv, done)
        bare_times.append(bare.seconds)
        augman_times.append(done.seconds)
        peaks.append(done.peak_kib)
    return Row(
        shape.name,
        lines,
        megabytes,
        statistics.median(bare_times),
        statistics.median(augman_times),
        TARGETS[command],
        max(peaks) / 1024,
    )


def failed(shape: Shape, command: str, lines: int, mb: float, argv: list[str], done: Run) -> Row:
    print(
        f"error: {shape.name} x {command}: exit {done.code}: {' '.join(argv[1:])}", file=sys.stderr
    )
    print(done.stderr[-4000:], file=sys.stderr)
    error = f"error (exit {done.code})"
    return Row(shape.name, lines, mb, 0.0, 0.0, TARGETS[command], done.peak_kib / 1024, error)


# -- reporting ------------------------------------------------------------------------


def cells(row: Row) -> tuple[str, ...]:
    start = (row.shape, f"{row.lines:,}", f"{row.megabytes:,.0f}")
    target = f">= {row.target:g}"
    if row.error:
        return (*start, "-", "-", row.error, target, "**error**", f"{row.peak_mib:,.0f}")
    met = "yes" if row.met else "**NO**"
    ratio = f"{row.ratio:.2f}" if row.met else f"**{row.ratio:.2f}**"
    times = (f"{row.bare:.2f}", f"{row.augman:.2f}")
    return (*start, *times, ratio, target, met, f"{row.peak_mib:,.0f}")


def table(command: str, rows: list[Row]) -> str:
    """A markdown table for ``command``, errors first, then by ratio ascending."""
    ordered = sorted(rows, key=lambda row: (not row.error, row.ratio, row.shape))
    lines = [
        f"### `{command}` (target: ratio >= {TARGETS[command]:g})",
        "",
        "| " + " | ".join(HEADER) + " |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    lines += ["| " + " | ".join(cells(row)) + " |" for row in ordered]
    return "\n".join(lines) + "\n"


def preamble(args: argparse.Namespace) -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    when = datetime.datetime.now().isoformat(timespec="seconds")
    return (
        f"augman shape matrix, {when}: {args.lines:,} lines per shape (seed {args.seed}), "
        f"median of {args.repeat}; Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {load}. ratio = bare / augman, interpreter start-up on both sides.\n"
    )


# -- the command line -----------------------------------------------------------------


def choices(known: tuple[str, ...]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        picked = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in picked if name not in known]
        if unknown or not picked:
            raise argparse.ArgumentTypeError(
                f"unknown {', '.join(unknown) or '(none)'}; choose from {', '.join(known)}"
            )
        return picked

    return parse


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shapes", type=choices(tuple(SHAPES)), default=list(SHAPES))
    parser.add_argument("--commands", type=choices(COMMANDS), default=list(COMMANDS))
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    parser.add_argument("--data-dir", type=Path, default=DATA, help="manifest cache")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    shapes = [SHAPES[name] for name in args.shapes]
    paths = {shape.name: ensure(shape, args.lines, args.seed, args.data_dir) for shape in shapes}
    output = [preamble(args)]
    print(output[0], flush=True)
    for command in args.commands:
        rows = []
        for shape in shapes:
            print(f"  {command} x {shape.name} ...", file=sys.stderr, flush=True)
            rows.append(measure(shape, command, paths[shape.name], args.lines, args.repeat))
        output.append(table(command, rows))
        print(output[-1], flush=True)
    if args.markdown:
        args.markdown.write_text("\n".join(output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
