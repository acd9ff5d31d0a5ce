"""How `augman stats` compares with a bare orjson loop over the same manifest.

Generates (or reuses, under benchmarks/data/) a Ground Truth manifest with
``benchmarks/generate.py``, then times, ``--repeat`` times each and alternating so
that a noisy machine hurts both alike: (a) ``for line in f: orjson.loads(line)``,
(b) ``augman.stats(FILE)`` in this process. Prints each median, the ratio
augman / bare (how many times longer stats takes), and the peak resident memory
of a fresh process that imports augman, against one that also runs ``augman.stats``.

    python benchmarks/bench_stats.py                      # 1,000,000 bounding-box lines
    python benchmarks/bench_stats.py --lines 200000 --kind mixed --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import augman  # noqa: E402  (from this checkout)
from benchmarks.bench_validate import bare, manifest  # noqa: E402  (one cache, one baseline)
from benchmarks.generate import KINDS  # noqa: E402


def timed(run: object, path: Path) -> float:
    start = time.perf_counter()
    run(path)  # type: ignore[operator]
    return time.perf_counter() - start


PEAK_RSS = """
import sys
sys.path.insert(0, sys.argv[1])
import augman
if len(sys.argv) > 2:
    augman.stats(sys.argv[2])
with open("/proc/self/status") as status:
    print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""


def peak_rss_kib(*args: str) -> int:
    """Peak resident set size in KiB (Linux VmHWM; getrusage would count the parent's peak)."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, str(ROOT), *args], capture_output=True, check=True
    )
    return int(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--kind", choices=KINDS, default="bounding-box")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-memory", action="store_true", help="skip the peak memory runs")
    args = parser.parse_args(argv)
    path = manifest(args.lines, args.kind, args.seed)
    size = path.stat().st_size
    print(f"{path.name}: {args.lines:,} lines, {size / 1e6:,.1f} MB; median of {args.repeat} runs")
    bare_times, stats_times = [], []
    for _ in range(args.repeat):  # alternate, so that load from other jobs hits both
        bare_times.append(timed(bare, path))
        stats_times.append(timed(lambda p: augman.stats(str(p)), path))
    base, took = statistics.median(bare_times), statistics.median(stats_times)
    print(f"  bare orjson loop  {base:7.3f} s  {size / base / 1e6:7.1f} MB/s")
    print(
        f"  augman.stats()    {took:7.3f} s  {size / took / 1e6:7.1f} MB/s  ratio {took / base:.2f}"
    )
    if not args.no_memory:
        idle, busy = peak_rss_kib(), peak_rss_kib(str(path))
        print(f"  peak RSS: {idle / 1024:.0f} MiB after import, {busy / 1024:.0f} MiB after stats")
    return 0


if __name__ == "__main__":
    sys.exit(main())
