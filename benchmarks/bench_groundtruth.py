"""How close Ground Truth label validation comes to a bare orjson loop.

Writes (or reuses, under benchmarks/data/) a manifest of valid Ground Truth lines of
every task type in turn (``groundtruth_lines.mixed``: 15 shapes, the spellings
included), then times, ``--repeat`` times each and alternating: (a) ``for line in f:
orjson.loads(line)``, (b) ``augman.validate([FILE])`` (labels checked against their
types), (c) the same with ``groundtruth=False``. Prints the medians and the ratio
bare / augman (target: >= 0.5 for (b)).

    python benchmarks/bench_groundtruth.py                    # 1,000,000 lines
    python benchmarks/bench_groundtruth.py --lines 200000 --repeat 3
"""

from __future__ import annotations

import argparse
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


def manifest(lines: int, seed: int) -> Path:
    path = DATA / f"groundtruth-mixed-{lines}-seed{seed}.manifest"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        partial = path.with_suffix(".partial")
        with open(partial, "wb") as out:
            for line in mixed(lines, seed):
                out.write(orjson.dumps(line) + b"\n")
        partial.rename(path)
    return path


def checked(path: Path, groundtruth: bool) -> None:
    report = augman.validate([str(path)], groundtruth=groundtruth)
    if report.findings:
        raise SystemExit(f"unexpected findings: {report.findings[:3]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    path = manifest(args.lines, args.seed)
    size = path.stat().st_size
    print(f"{path.name}: {args.lines:,} lines, {size / 1e6:,.1f} MB, every Ground Truth task type")
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
