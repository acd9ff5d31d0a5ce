"""How close Ground Truth label validation comes to a bare orjson loop.

Writes (or reuses, under benchmarks/data/) a manifest of valid Ground Truth lines of
every task type in turn (``groundtruth_lines.mixed``: 15 shapes, the spellings
included), then times, ``--repeat`` times each and alternating: (a) ``for line in f:
orjson.loads(line)``, (b) ``augman.validate([FILE])`` (labels checked against their
types), (c) the same with ``groundtruth=False``. Prints the medians and the ratio
bare / augman (target: >= 0.5 for (b)). ``--vary-dates`` gives every line its own
``creation-date``, as real Ground Truth output has (then no two metadata values are the
same bytes: the honest worst case).

    python benchmarks/bench_groundtruth.py --vary-dates       # 1,000,000 lines, a date a line
    python benchmarks/bench_groundtruth.py                    # 1,000,000 lines, one date
    python benchmarks/bench_groundtruth.py --lines 200000 --repeat 3
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import augman  # noqa: E402  (from this checkout)
from benchmarks.bench_validate import bare  # noqa: E402  (the same bare loop)
from benchmarks.groundtruth_lines import mixed  # noqa: E402

DATA = HERE / "data"


START = datetime.datetime(2026, 3, 1, 8)


def manifest(lines: int, seed: int, vary_dates: bool = False) -> Path:
    dates = "-dates" if vary_dates else ""
    path = DATA / f"groundtruth-mixed-{lines}-seed{seed}{dates}.manifest"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        partial = path.with_suffix(".partial")
        with open(partial, "wb") as out:
            for number, line in enumerate(mixed(lines, seed)):
                if vary_dates:
                    _date(line, number)
                out.write(orjson.dumps(line) + b"\n")
        partial.rename(path)
    return path


def _date(line: dict[str, object], number: int) -> None:
    """Give every metadata value of ``line`` a ``creation-date`` of its own (a second a line)."""
    moment = START + datetime.timedelta(seconds=number, microseconds=number * 7919 % 10**6)
    for key, value in line.items():
        if key.endswith("-metadata") and isinstance(value, dict) and "creation-date" in value:
            value["creation-date"] = moment.isoformat(timespec="microseconds")


def checked(path: Path, groundtruth: bool) -> None:
    report = augman.validate([str(path)], groundtruth=groundtruth)
    if report.findings:
        raise SystemExit(f"unexpected findings: {report.findings[:3]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--vary-dates",
        action="store_true",
        help="a creation-date of its own on every line (real output; the worst case)",
    )
    args = parser.parse_args(argv)
    path = manifest(args.lines, args.seed, args.vary_dates)
    size = path.stat().st_size
    dates = "a creation-date a line" if args.vary_dates else "one creation-date"
    print(
        f"{path.name}: {args.lines:,} lines, {size / 1e6:,.1f} MB, every Ground Truth task type, {dates}"
    )
    cases: dict[str, Callable[[], None]] = {
        "bare orjson loop": lambda: bare(path),
        "augman.validate()": lambda: checked(path, True),
        "... groundtruth=False": lambda: checked(path, False),
    }
    wall: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.repeat):  # alternate, so load on a shared machine hits all alike
        for name, run in cases.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            run()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    print(f"median of {args.repeat} runs each (CPU time too: the machine may be shared)")
    base, base_cpu = (statistics.median(t["bare orjson loop"]) for t in (wall, cpu))
    for name in cases:
        took, took_cpu = statistics.median(wall[name]), statistics.median(cpu[name])
        print(
            f"  {name:<22} {took:7.3f} s  {size / took / 1e6:7.1f} MB/s  ratio {base / took:.2f}"
            f"   CPU {took_cpu:7.3f} s  ratio {base_cpu / took_cpu:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
