#!/usr/bin/env python3
"""Manual benchmark (not CI) of poolaudit on real code: pinned snapshots of public repositories.

The references are committed (bench/real-corpus.tsv: large pure-Python repositories; the
ecosystem check's scripts/ecosystem/projects.tsv: real backends), the code is not: each
repository is extracted from a local git snapshot (`git archive COMMIT | tar -x`, the same
snapshots the ecosystem check uses, $POOLAUDIT_MIRROR or /work/.mirror) into the work directory.
A missing snapshot or commit is skipped with a message; a corpus with nothing left is skipped.

Corpora (cumulative, so CPU per line can be compared across sizes):
  small      sqlalchemy, alembic, sqlmodel, flask-sqlalchemy          (~0.75M lines)
  medium     small + twisted + mypy                                   (~1.3M lines)
  large      medium + sympy                                           (~2.1M lines, issue #16's)
  relevant   SQLAlchemy's lib/ and test/ (every file imports SQLAlchemy: the pre-filter's worst case)
  ecosystem  every project of the ecosystem check

Modes: parse-only (the floor: walk, read and tree-sitter-parse every file), full (the default
run) and no-prefilter. Every run is timed by GNU /usr/bin/time: CPU seconds (user + sys, the
dependable number on a shared machine), wall seconds and peak RSS. With --baseline OLD the old and
the new binary run alternately (paired runs: both see the same load), the order swapped every
repetition; the table shows medians of --repeat runs.

  bench/real.py --bin build/poolaudit                          # large corpus, 2 threads, 1 run
  bench/real.py --bin new/poolaudit --baseline old/poolaudit --corpora small,large --repeat 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "scripts" / "ecosystem"))
from run import extract, has_commit, snapshot_git_dir  # noqa: E402  (the ecosystem check's helpers)

SMALL = ["sqlalchemy/sqlalchemy", "sqlalchemy/alembic", "fastapi/sqlmodel",
         "pallets-eco/flask-sqlalchemy"]
MEDIUM = SMALL + ["twisted/twisted", "python/mypy"]
LARGE = MEDIUM + ["sympy/sympy"]
MODES = ["parse-only", "full", "no-prefilter"]


def read_references(path: Path) -> dict[str, str]:
    """owner/name -> commit, from a tab-separated file (comment lines start with '#')."""
    refs = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        repo, commit = line.split("\t")[:2]
        refs[repo] = commit
    return refs


def extracted(repo: str, commit: str, mirror: Path, work: Path) -> Path | None:
    """The directory holding REPO at COMMIT, extracted once; None (with a message) when missing."""
    target = work / "src" / repo.replace("/", "+")
    stamp = target / ".poolaudit-bench-commit"
    if stamp.is_file() and stamp.read_text().strip() == commit:
        return target
    git_dir = snapshot_git_dir(mirror, repo)
    if git_dir is None:
        print(f"real.py: skipped {repo}: no snapshot under {mirror}", file=sys.stderr)
        return None
    if not has_commit(git_dir, commit):
        print(f"real.py: skipped {repo}: snapshot lacks commit {commit}", file=sys.stderr)
        return None
    shutil.rmtree(target, ignore_errors=True)
    print(f"== extracting {repo} @ {commit[:12]}", file=sys.stderr)
    missing = extract(git_dir, commit, target)
    if missing:
        print(f"real.py: {repo}: {missing} blob(s) missing from the snapshot", file=sys.stderr)
    stamp.write_text(commit + "\n")
    return target


def build_corpus(name: str, members: list[tuple[str, Path]], work: Path) -> Path:
    """A directory of hard links (cheap) to the members' trees: one tree to audit."""
    root = work / "corpora" / name
    want = "\n".join(f"{repo} {path}" for repo, path in members)
    stamp = work / "corpora" / f"{name}.members"
    if root.is_dir() and stamp.is_file() and stamp.read_text() == want:
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for repo, path in members:
        subprocess.run(["cp", "-al", str(path), str(root / repo.replace("/", "+"))], check=True)
    stamp.write_text(want)
    return root


def size_of(root: Path) -> tuple[int, int]:
    """(files, lines) of the .py files under ROOT."""
    files = lines = 0
    for dirpath, _, names in os.walk(root):
        for n in names:
            if n.endswith(".py"):
                files += 1
                with open(os.path.join(dirpath, n), "rb") as f:
                    lines += f.read().count(b"\n")
    return files, lines


def timed(command: list[str]) -> tuple[float, float, float]:
    """(wall s, CPU s = user + sys, peak RSS MiB) of one run; exits on a crash."""
    with tempfile.NamedTemporaryFile("r") as t:
        # The report goes to stdout -> /dev/null (never -o /dev/null: -o renames over its target).
        rc = subprocess.run(["/usr/bin/time", "-o", t.name, "-f", "%e %U %S %M", *command],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        fields = t.read().strip().splitlines()[-1].split()
    if rc > 1:
        sys.exit(f"real.py: command failed (exit {rc}): {' '.join(command)}")
    wall, user, system, rss_kb = (float(x) for x in fields)
    return wall, user + system, rss_kb / 1024


def mode_args(mode: str) -> list[str]:
    return {"parse-only": ["--parse-only"], "full": [], "no-prefilter": ["--no-prefilter"]}[mode]


def no_cache_args(binary: Path) -> list[str]:
    """--no-cache for a binary that has the facts cache: every run here measures the analysis, and
    a cache would make every run after the first a warm one (and write into the shared corpus)."""
    done = subprocess.run([str(binary), "--help"], capture_output=True, text=True)
    return ["--no-cache"] if "--no-cache" in done.stdout else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", type=Path, default=REPO / "build" / "poolaudit")
    parser.add_argument("--baseline", type=Path, help="an older binary, run alternately with --bin")
    parser.add_argument("--mirror", type=Path,
                        default=Path(os.environ.get("POOLAUDIT_MIRROR", "/work/.mirror")))
    parser.add_argument("--work", type=Path, default=Path("/tmp/poolaudit-real"))
    parser.add_argument("--corpora", default="large",
                        help="comma-separated: small, medium, large, relevant, ecosystem")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    if not Path("/usr/bin/time").exists():
        sys.exit("real.py: GNU /usr/bin/time is needed (apt-get install time)")
    binaries = [("new", args.bin.resolve())]
    if args.baseline:
        binaries.insert(0, ("old", args.baseline.resolve()))
    for _, b in binaries:
        if not os.access(b, os.X_OK):
            sys.exit(f"real.py: no binary at {b}")

    large = read_references(HERE / "real-corpus.tsv")
    ecosystem = read_references(REPO / "scripts" / "ecosystem" / "projects.tsv")
    commits = {**ecosystem, **large}

    def members(repos: list[str]) -> list[tuple[str, Path]]:
        out = []
        for repo in repos:
            path = extracted(repo, commits[repo], args.mirror, args.work)
            if path is not None:
                out.append((repo, path))
        return out

    rows = []
    for name in args.corpora.split(","):
        if name in ("small", "medium", "large"):
            found = members({"small": SMALL, "medium": MEDIUM, "large": LARGE}[name])
        elif name == "relevant":
            found = members(["sqlalchemy/sqlalchemy"])
            found = [(f"{r}/{sub}", p / sub) for r, p in found for sub in ("lib", "test")]
        elif name == "ecosystem":
            found = members(list(ecosystem))
        else:
            sys.exit(f"real.py: unknown corpus {name!r}")
        if not found:
            print(f"real.py: corpus {name} skipped: none of its snapshots is here", file=sys.stderr)
            continue
        root = build_corpus(name, found, args.work)
        files, lines = size_of(root)
        for mode in args.modes.split(","):
            samples: dict[str, list[tuple[float, float, float]]] = {label: [] for label, _ in binaries}
            for i in range(args.repeat):
                order = binaries if i % 2 == 0 else list(reversed(binaries))
                for label, binary in order:
                    print(f"== {name} {mode} {label} (run {i + 1}/{args.repeat})", file=sys.stderr)
                    samples[label].append(timed([str(binary), str(root), *mode_args(mode), *no_cache_args(binary),
                                                 "--jobs", str(args.jobs), "--format", "json",
                                                 "--exit-zero"]))
            for label, _ in binaries:
                s = samples[label]
                rows.append((name, files, lines, mode, label,
                             statistics.median(x[0] for x in s), statistics.median(x[1] for x in s),
                             max(x[2] for x in s), len(found)))

    floor = {(r[0], r[4]): r[6] for r in rows if r[3] == "parse-only"}
    print(f"\npoolaudit on real code: {os.cpu_count()} cores, --jobs {args.jobs}, "
          f"median of {args.repeat} (paired runs)" if args.baseline else
          f"\npoolaudit on real code: {os.cpu_count()} cores, --jobs {args.jobs}, "
          f"median of {args.repeat}")
    header = (f"{'corpus':<10} {'repos':>5} {'files':>6} {'lines':>8} {'mode':<12} {'bin':<4} "
              f"{'wall s':>7} {'CPU s':>7} {'us/line':>7} {'RSS MiB':>8} {'CPU/floor':>9}")
    print(header)
    for name, files, lines, mode, label, wall, cpu, rss, repos in rows:
        base = floor.get((name, label))
        ratio = f"{cpu / base:.2f}x" if base and mode != "parse-only" else "-"
        print(f"{name:<10} {repos:>5} {files:>6} {lines:>8} {mode:<12} {label:<4} {wall:>7.2f} "
              f"{cpu:>7.2f} {cpu / max(lines, 1) * 1e6:>7.2f} {rss:>8.1f} {ratio:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
