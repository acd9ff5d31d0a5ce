"""How fast is `augman select`, next to the least any Python tool must do (parse each line)?

    python benchmarks/bench_select.py                 # 1,000,000 bounding-box lines, 5 runs
    python benchmarks/bench_select.py --lines 100000 --runs 3

The manifest comes from ``benchmarks/generate.py`` (cached under ``benchmarks/data/``,
shared with ``bench_validate.py``). Every case runs as a fresh subprocess with stdout to
/dev/null, so each time includes interpreter start-up (the ``--head 0`` row shows that
fixed cost); the baseline, a bare ``for line in f: orjson.loads(line)`` loop, runs in a
fresh interpreter too. Each case runs once untimed first (page cache, .pyc files).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402  (from this checkout)

DATA = HERE / "data"
WHERE = 'length("bounding-box".annotations) > `2`'
BASELINE = "import orjson, sys\nfor line in open(sys.argv[1], 'rb'):\n    orjson.loads(line)\n"


def manifest(lines: int, seed: int) -> Path:
    """The cached bounding-box manifest (the same file bench_validate.py uses)."""
    path = DATA / f"bounding-box-{lines}-seed{seed}.manifest"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        print(f"generating {path} ...", file=sys.stderr)
        partial = path.with_suffix(".partial")
        generate(partial, lines, "bounding-box", seed)
        partial.rename(path)
    return path


def cases(path: Path, lines: int) -> dict[str, list[str]]:
    augman = [sys.executable, "-m", "augman", "select", str(path)]
    return {
        "baseline: for line in f: orjson.loads(line)": [sys.executable, "-c", BASELINE, str(path)],
        "select --head 0 (start-up only)": [*augman, "--head", "0"],
        f"select --head {lines}": [*augman, "--head", str(lines)],
        f"select --where '{WHERE}'": [*augman, "--where", WHERE],
        "select --attrs source-ref,bounding-box": [*augman, "--attrs", "source-ref,bounding-box"],
    }


def timed(argv: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT), AUGMAN_NO_PROGRESS="1")
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, check=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    path = manifest(args.lines, args.seed)
    print(
        f"{path.name}: {args.lines:,} lines, {path.stat().st_size / 1e6:,.0f} MB, median of {args.runs} runs"
    )
    print("| case | median s | runs (s) | lines/s | bare / case |")
    print("| --- | ---: | --- | ---: | ---: |")
    baseline = None
    for name, argv in cases(path, args.lines).items():
        timed(argv)  # warm-up: page cache, .pyc files
        runs = [timed(argv) for _ in range(args.runs)]
        median = statistics.median(runs)
        baseline = baseline or median
        shown = ", ".join(f"{r:.2f}" for r in runs)
        startup = "head 0" in name
        rate = "-" if startup else f"{args.lines / median:,.0f}"
        ratio = "-" if startup else f"{baseline / median:.2f}"
        print(f"| `` {name} `` | {median:.2f} | {shown} | {rate} | {ratio} |")


if __name__ == "__main__":
    main()
