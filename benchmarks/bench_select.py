"""How fast is `augman select`, next to the least any Python tool must do (parse each line)?

    python benchmarks/bench_select.py                 # 1,000,000 lines, 5 runs each
    python benchmarks/bench_select.py --lines 100000 --runs 3

Every case runs as a fresh subprocess with stdout to /dev/null, so each time includes
interpreter start-up (the `--head 0` row shows that fixed cost). The baseline is a bare
``for line in f: orjson.loads(line)`` loop, also in a fresh interpreter. The manifest
(compact bounding-box lines, ~480 bytes each) is generated once and cached in the
temp directory; it is in the page cache for every timed run after the first warm-up.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
WHERE = 'length("bounding-box".annotations) > `0`'
BASELINE = "import orjson, sys\nfor line in open(sys.argv[1], 'rb'):\n    orjson.loads(line)\n"


def bounding_box_line(n: int, rng: random.Random) -> bytes:
    """One Ground Truth object-detection line, 0 to 3 boxes."""
    boxes = rng.randrange(4)
    annotations = [
        {"class_id": rng.randrange(3), "left": rng.randrange(600), "top": rng.randrange(400),
         "width": rng.randrange(1, 200), "height": rng.randrange(1, 200)}
        for _ in range(boxes)
    ]  # fmt: skip
    metadata = {
        "objects": [{"confidence": round(rng.random(), 2)} for _ in range(boxes)],
        "class-map": {"0": "cat", "1": "dog", "2": "bird"},
        "type": "groundtruth/object-detection", "human-annotated": "yes",
        "creation-date": "2024-03-01T10:00:00.000000", "job-name": "labeling-job/pets-bbox",
    }  # fmt: skip
    line = {
        "source-ref": f"s3://example-bucket/images/{n:07d}.jpg",
        "bounding-box": {"image_size": [{"width": 640, "height": 480, "depth": 3}],
                         "annotations": annotations},
        "bounding-box-metadata": metadata,
    }  # fmt: skip
    return orjson.dumps(line) + b"\n"


def manifest(lines: int, path: Path | None) -> Path:
    """The cached benchmark manifest, generated (seed 0) when missing."""
    path = path or Path(tempfile.gettempdir()) / f"augman-bench-select-{lines}.manifest"
    if not path.exists():
        rng = random.Random(0)
        partial = path.with_suffix(".partial")
        with partial.open("wb") as out:
            for n in range(lines):
                out.write(bounding_box_line(n, rng))
        partial.replace(path)
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
    parser.add_argument("--data", type=Path, default=None, help="manifest to use or create")
    args = parser.parse_args()
    path = manifest(args.lines, args.data)
    print(f"{args.lines:,} lines, {path.stat().st_size / 1e6:,.0f} MB, median of {args.runs} runs")
    print("| case | median s | runs (s) | lines/s | vs baseline |")
    print("| --- | ---: | --- | ---: | ---: |")
    baseline = None
    for name, argv in cases(path, args.lines).items():
        timed(argv)  # warm-up: page cache, .pyc files
        runs = [timed(argv) for _ in range(args.runs)]
        median = statistics.median(runs)
        baseline = baseline or median
        shown = ", ".join(f"{r:.2f}" for r in runs)
        rate = f"{args.lines / median:,.0f}" if "head 0" not in name else "-"
        print(f"| `` {name} `` | {median:.2f} | {shown} | {rate} | {median / baseline:.2f}x |")


if __name__ == "__main__":
    main()
