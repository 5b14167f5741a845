#!/usr/bin/env python3
"""Scaling test on real code (issue #16 item 2): is the CPU of a run linear in the input?

Audits 1x, 2x and 4x copies of one real corpus (bench/real.py's corpora; the copies are hard links,
`copy1/`, `copy2/`, ... side by side under one root) and reports CPU seconds against lines, the
slope of a least-squares line through the points (µs of CPU per line), and each size's CPU per line
relative to the 1x run: linear is 1.00 at every size. The parse-only floor of each size is measured
too (`--modes`), so a growing ratio can be told from machine load.

  bench/real_scaling.py --bin build/poolaudit                      # relevant corpus, 1x 2x 4x, -j2
  bench/real_scaling.py --bin build/poolaudit --corpus small --factors 1,2,4,8 --repeat 3

The corpus must have been extracted by bench/real.py (run it once with the same --work).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from real import mode_args, size_of, timed  # noqa: E402  (the real-code benchmark's helpers)


def copies(corpus: Path, factor: int, work: Path) -> Path:
    """A directory holding `factor` hard-linked copies of CORPUS, made once."""
    root = work / "scaling" / f"{corpus.name}-x{factor}"
    stamp = work / "scaling" / f"{corpus.name}-x{factor}.done"
    if root.is_dir() and stamp.is_file():
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for i in range(1, factor + 1):
        subprocess.run(["cp", "-al", str(corpus), str(root / f"copy{i}")], check=True)
    stamp.write_text("")
    return root


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y against x."""
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", type=Path, default=HERE.parent / "build" / "poolaudit")
    parser.add_argument("--work", type=Path, default=Path("/tmp/poolaudit-real"))
    parser.add_argument("--corpus", default="relevant", help="a corpus bench/real.py extracted")
    parser.add_argument("--factors", default="1,2,4")
    parser.add_argument("--modes", default="parse-only,full")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    corpus = args.work / "corpora" / args.corpus
    if not corpus.is_dir():
        sys.exit(f"real_scaling.py: no corpus at {corpus}: run bench/real.py --corpora {args.corpus} first")
    binary = args.bin.resolve()
    if not os.access(binary, os.X_OK):
        sys.exit(f"real_scaling.py: no binary at {binary}")
    factors = [int(f) for f in args.factors.split(",")]
    modes = args.modes.split(",")
    rows = []
    for factor in factors:
        root = copies(corpus, factor, args.work)
        files, lines = size_of(root)
        for mode in modes:
            runs = []
            for i in range(args.repeat):
                print(f"== {args.corpus} x{factor} {mode} (run {i + 1}/{args.repeat})", file=sys.stderr)
                runs.append(timed([str(binary), str(root), *mode_args(mode), "--jobs", str(args.jobs),
                                   "--format", "json", "--exit-zero"]))
            rows.append((factor, files, lines, mode, statistics.median(r[1] for r in runs),
                         max(r[2] for r in runs)))

    print(f"\npoolaudit scaling on {args.corpus}: {os.cpu_count()} cores, --jobs {args.jobs}, "
          f"median CPU of {args.repeat}")
    print(f"{'copies':>6} {'files':>7} {'lines':>9} {'mode':<11} {'CPU s':>7} {'us/line':>7} "
          f"{'vs 1x':>6} {'RSS MiB':>8}")
    for mode in modes:
        points = [(lines, cpu) for _, _, lines, m, cpu, _ in rows if m == mode]
        base = None
        for factor, files, lines, m, cpu, rss in rows:
            if m != mode:
                continue
            per_line = cpu / max(lines, 1) * 1e6
            base = base or per_line
            print(f"{factor:>6} {files:>7} {lines:>9} {m:<11} {cpu:>7.2f} {per_line:>7.2f} "
                  f"{per_line / base:>6.2f} {rss:>8.1f}")
        if len(points) > 1:
            print(f"{'':>6} {'':>7} {'':>9} {mode:<11} slope {slope(points) * 1e6:.2f} us of CPU per line")
    return 0


if __name__ == "__main__":
    sys.exit(main())
