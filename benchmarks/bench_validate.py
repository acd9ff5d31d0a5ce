"""How close `augman validate` comes to a bare orjson loop over the same manifest.

Generates (or reuses, under benchmarks/data/) a Ground Truth manifest, then times,
``--repeat`` times each: (a) ``for line in f: orjson.loads(line)``, (b) the library
call ``augman.validate(...)`` in this process, (c) ``augman validate`` as a
subprocess, (d) the same with ``--jobs 2``. Prints each median and the ratio
bare / augman (targets: >= 0.8 on one core, >= 1.5 with two processes).

    python benchmarks/bench_validate.py                      # 1,000,000 bounding-box lines
    python benchmarks/bench_validate.py --lines 200000 --kind mixed --repeat 3
    python benchmarks/bench_validate.py --lines 200000 --typo   # --attrs sorce-ref,...: AM201 on every line
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import augman  # noqa: E402  (from this checkout)
from benchmarks.generate import KINDS, attribute_names, generate  # noqa: E402

DATA = HERE / "data"
TYPO = "sorce-ref"  # --typo: source-ref misspelt, so every line lacks it


def manifest(lines: int, kind: str, seed: int) -> Path:
    """The cached benchmark manifest, generated on first use."""
    path = DATA / f"{kind}-{lines}-seed{seed}.manifest"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        print(f"generating {path} ...", file=sys.stderr)
        partial = path.with_suffix(".partial")
        generate(partial, lines, kind, seed)
        partial.rename(path)
    return path


def bare(path: Path) -> None:
    loads = orjson.loads
    with open(path, "rb") as f:
        for line in f:
            loads(line)


def library(path: Path, attrs: tuple[str, ...]) -> None:
    report = augman.validate([str(path)], attrs=attrs)
    # warnings (AM410: images with no boxes) are expected; a --typo run finds AM201 only
    if report.failed() and (set(report.counts) - {"AM201"} or TYPO not in attrs):
        raise SystemExit(f"unexpected findings: {report.findings[:3]}")


def cli(path: Path, attrs: tuple[str, ...], jobs: int = 1) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), AUGMAN_NO_PROGRESS="1")
    command = [sys.executable, "-m", "augman", "validate", str(path), "--attrs", ",".join(attrs)]
    command += ["--jobs", str(jobs)]
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    if done.returncode != (1 if TYPO in attrs else 0):
        raise SystemExit(f"augman validate exited {done.returncode}: {done.stderr.decode()}")


def median_seconds(run: Callable[[], None], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--kind", choices=KINDS, default="bounding-box")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--typo", action="store_true", help=f"--attrs with {TYPO} for source-ref")
    args = parser.parse_args(argv)
    path = manifest(args.lines, args.kind, args.seed)
    attrs = attribute_names(args.kind)
    if args.typo:
        attrs = tuple(TYPO if name == "source-ref" else name for name in attrs)
    size = path.stat().st_size
    print(f"{path.name}: {args.lines:,} lines, {size / 1e6:,.1f} MB, --attrs {','.join(attrs)}")
    print(f"median of {args.repeat} runs each")
    base = median_seconds(lambda: bare(path), args.repeat)
    print(f"  bare orjson loop        {base:7.3f} s  {size / base / 1e6:7.1f} MB/s")
    runs: tuple[tuple[str, Callable[[Path, tuple[str, ...]], None]], ...] = (
        ("augman.validate()", library),
        ("augman validate (CLI)", cli),
        ("... --jobs 2 (CLI)", lambda path, attrs: cli(path, attrs, jobs=2)),
    )
    for name, run in runs:
        took = median_seconds(lambda run=run: run(path, attrs), args.repeat)
        print(
            f"  {name:<22}  {took:7.3f} s  {size / took / 1e6:7.1f} MB/s  ratio {base / took:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
