#!/usr/bin/env python3
"""The ecosystem check: poolaudit over pinned public backends, compared with reviewed verdicts.

Each project in projects.tsv is extracted at its pinned commit from a local git snapshot
(`git archive COMMIT | tar -x`), audited with `poolaudit --format json`, and every finding is
matched with verdicts.tsv (tp or fp, written by a person after reading the code). The output is a
per-rule precision table, the findings nobody has judged yet, the findings that appeared or
vanished since the recorded run (last-run.json), and the time per project.

Python 3 standard library only. Never run in CI: it needs the local snapshots.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODES = {"default": [], "all": ["--select", "ALL"]}


@dataclass
class Project:
    repo: str
    commit: str
    kind: str
    why: str


@dataclass
class Finding:
    project: str
    rule: str
    path: str
    line: int
    message: str
    key: str = ""
    verdict: str = ""  # tp, fp or "" (unlabelled)
    reason: str = ""


@dataclass
class Verdict:
    project: str
    path: str
    line: int
    rule: str
    verdict: str
    key: str
    reason: str
    used: bool = field(default=False)


# Line numbers inside a message (`app/db.py:12`, `line 12`) move with unrelated edits; the key
# must not, so they are blanked before hashing.
_LINE_REFS = re.compile(r"(:\d+)|(\bline \d+)|(\blines \d+(-\d+)?)")


def finding_key(rule: str, path: str, message: str) -> str:
    """A key that survives small line moves: the rule, the path and the message sans line refs."""
    normalised = _LINE_REFS.sub(":N", message)
    return hashlib.sha1(f"{rule}|{path}|{normalised}".encode()).hexdigest()[:12]


def read_tsv(path: Path) -> list[list[str]]:
    rows = []
    if not path.exists():
        return rows
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        rows.append(raw.split("\t"))
    return rows


def load_projects(path: Path) -> list[Project]:
    projects = []
    for row in read_tsv(path):
        if len(row) < 4 or not re.fullmatch(r"[0-9a-f]{40}", row[1]):
            sys.exit(f"{path}: malformed row {row!r} (want repo, 40-hex commit, kind, why)")
        projects.append(Project(*row[:4]))
    return projects


def load_verdicts(path: Path) -> list[Verdict]:
    verdicts = []
    for row in read_tsv(path):
        if len(row) < 7 or row[4] not in ("tp", "fp"):
            sys.exit(f"{path}: malformed row {row!r} "
                     "(want project, path, line, rule, tp|fp, key, reason)")
        verdicts.append(Verdict(row[0], row[1], int(row[2]), row[3], row[4], row[5], row[6]))
    return verdicts


def snapshot_git_dir(mirror: Path, repo: str) -> Path | None:
    """The git directory of a snapshot: <mirror>/<owner>+<name>/repo (bare or with a .git)."""
    owner_name = repo.replace("/", "+")
    for candidate in (mirror / owner_name / "repo" / ".git", mirror / owner_name / "repo",
                      mirror / f"{owner_name}.git", mirror / owner_name, mirror / repo):
        if (candidate / "HEAD").exists() and (candidate / "objects").exists():
            return candidate
    return None


def has_commit(git_dir: Path, commit: str) -> bool:
    return subprocess.run(["git", f"--git-dir={git_dir}", "cat-file", "-e", f"{commit}^{{commit}}"],
                          capture_output=True).returncode == 0


def extract(git_dir: Path, commit: str, into: Path) -> int:
    """Writes the tree of COMMIT into INTO; returns how many blobs the snapshot lacks.

    Snapshots may lack large blobs (they are fetched without files over a few MiB), which makes
    `git archive` fail; the tree is then written blob by blob and the missing ones are skipped.
    """
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.Popen(["git", f"--git-dir={git_dir}", "archive", commit],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    untar = subprocess.run(["tar", "-x", "-C", str(into)], stdin=archive.stdout,
                           stderr=subprocess.DEVNULL)
    archive.stdout.close()
    if archive.wait() == 0 and untar.returncode == 0:
        return 0
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    return extract_blob_by_blob(git_dir, commit, into)


def extract_blob_by_blob(git_dir: Path, commit: str, into: Path) -> int:
    listing = subprocess.run(["git", f"--git-dir={git_dir}", "ls-tree", "-r", "-z", commit],
                             capture_output=True, check=True).stdout
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, name = record.split(b"\t", 1)
        mode, kind, oid = meta.split()
        if kind == b"blob":
            entries.append((mode, oid, name.decode("utf-8", "surrogateescape")))
    batch = subprocess.Popen(["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    missing = 0
    for mode, oid, name in entries:
        batch.stdin.write(oid + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) < 3:  # "<oid> missing"
            missing += 1
            continue
        content = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)  # the newline after the content
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == b"120000":
            target.symlink_to(content.decode("utf-8", "surrogateescape"))
        else:
            target.write_bytes(content)
    batch.stdin.close()
    batch.wait()
    return missing


def audit(binary: Path, tree: Path, mode: str, jobs: int) -> dict:
    # Without the facts cache: the verdicts are about the analysis, and the trees are shared.
    help_text = subprocess.run([str(binary), "--help"], capture_output=True, text=True).stdout
    no_cache = ["--no-cache"] if "--no-cache" in help_text else []
    command = [str(binary), "--format", "json", "--exit-zero", "-j", str(jobs), *MODES[mode], *no_cache, "."]
    done = subprocess.run(command, cwd=tree, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"poolaudit exited {done.returncode}: {done.stderr.strip()[:500]}")
    return json.loads(done.stdout)


def selected_rules(binary: Path, mode: str) -> set[str] | None:
    """The rule ids the binary runs in MODE (from --show-settings), or None when unknown."""
    done = subprocess.run([str(binary), "--isolated", "--show-settings", *MODES[mode]],
                          capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("rules:"):
            return {rule.strip() for rule in line.split(":", 1)[1].split(",") if rule.strip()}
    return None


def match(findings: list[Finding], verdicts: list[Verdict]) -> None:
    """Pairs each finding with a verdict of the same key, nearest line first."""
    by_key: dict[tuple[str, str], list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        by_key[(verdict.project, verdict.key)].append(verdict)
    for finding in sorted(findings, key=lambda f: (f.project, f.path, f.line)):
        pool = [v for v in by_key.get((finding.project, finding.key), []) if not v.used]
        if not pool:
            continue
        best = min(pool, key=lambda v: abs(v.line - finding.line))
        best.used = True
        finding.verdict, finding.reason = best.verdict, best.reason


def diff_runs(old: list[dict], new: list[Finding]) -> tuple[list[dict], list[dict]]:
    """New and vanished findings between two runs, matched by (project, key), nearest line."""
    remaining: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for item in old:
        remaining[(item["project"], item["key"])].append(item)
    appeared = []
    for finding in new:
        pool = remaining.get((finding.project, finding.key), [])
        if pool:
            pool.remove(min(pool, key=lambda o: abs(o["line"] - finding.line)))
        else:
            appeared.append(as_record(finding))
    vanished = [item for pool in remaining.values() for item in pool]
    return appeared, vanished


def as_record(finding: Finding) -> dict:
    return {"project": finding.project, "rule": finding.rule, "path": finding.path,
            "line": finding.line, "key": finding.key, "message": finding.message}


def one_line(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def print_table(findings: list[Finding]) -> None:
    per_rule: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for finding in findings:
        per_rule[finding.rule][finding.verdict or "new"] += 1
    print(f"\n{'rule':8} {'findings':>8} {'tp':>5} {'fp':>5} {'new':>5} {'precision':>9}")
    totals = defaultdict(int)
    for rule in sorted(per_rule):
        counts = per_rule[rule]
        tp, fp, new = counts["tp"], counts["fp"], counts["new"]
        for name, value in (("tp", tp), ("fp", fp), ("new", new)):
            totals[name] += value
        precision = f"{tp / (tp + fp):.3f}" if tp + fp else "-"
        print(f"{rule:8} {tp + fp + new:8} {tp:5} {fp:5} {new:5} {precision:>9}")
    tp, fp, new = totals["tp"], totals["fp"], totals["new"]
    precision = f"{tp / (tp + fp):.3f}" if tp + fp else "-"
    print(f"{'total':8} {tp + fp + new:8} {tp:5} {fp:5} {new:5} {precision:>9}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("poolaudit", type=Path, help="the poolaudit binary to check")
    parser.add_argument("--mirror", type=Path, default=Path(os.environ.get("POOLAUDIT_MIRROR",
                                                                            "/work/.mirror")),
                        help="directory of git snapshots, <owner>+<name>/repo (default "
                        "$POOLAUDIT_MIRROR or /work/.mirror)")
    parser.add_argument("--mode", choices=sorted(MODES), default="default",
                        help="default rules, or --select ALL (opt-in rules too)")
    parser.add_argument("--only", action="append", default=[],
                        help="audit only projects whose owner/name contains this (repeatable)")
    parser.add_argument("--work", type=Path,
                        help="keep extracted trees here and reuse them (default: a temporary "
                        "directory removed afterwards)")
    parser.add_argument("--jobs", type=int, default=2, help="poolaudit -j (default 2)")
    parser.add_argument("--record", action="store_true",
                        help="write this run to last-run.json as the new reference")
    parser.add_argument("--show", choices=["new", "fp", "tp", "all"], action="append", default=[],
                        help="list the findings with this verdict (new = unlabelled), "
                        "as verdicts.tsv rows to fill in")
    parser.add_argument("--projects", type=Path, default=HERE / "projects.tsv")
    parser.add_argument("--verdicts", type=Path, default=HERE / "verdicts.tsv")
    parser.add_argument("--last-run", type=Path, default=HERE / "last-run.json")
    args = parser.parse_args()

    binary = args.poolaudit.resolve()
    if not os.access(binary, os.X_OK):
        sys.exit(f"{binary}: not an executable poolaudit")
    projects = load_projects(args.projects)
    if args.only:
        projects = [p for p in projects if any(o.lower() in p.repo.lower() for o in args.only)]
    verdicts = load_verdicts(args.verdicts)

    work = args.work or Path(tempfile.mkdtemp(prefix="poolaudit-ecosystem-"))
    findings: list[Finding] = []
    missing: list[tuple[Project, str]] = []
    timings: list[tuple[str, float, int, int]] = []
    failures: list[tuple[str, str]] = []
    started = time.monotonic()
    try:
        for project in projects:
            git_dir = snapshot_git_dir(args.mirror, project.repo)
            if git_dir is None:
                missing.append((project, "no snapshot"))
                continue
            if not has_commit(git_dir, project.commit):
                missing.append((project, f"snapshot lacks commit {project.commit[:12]}"))
                continue
            tree = work / f"{project.repo.replace('/', '+')}-{project.commit[:12]}"
            marker = tree / ".poolaudit-ecosystem-extracted"
            if not marker.exists():
                shutil.rmtree(tree, ignore_errors=True)
                lacking = extract(git_dir, project.commit, tree)
                if lacking:
                    print(f"note: the snapshot of {project.repo} lacks {lacking} blob(s) "
                          "(large files); the tree is audited without them", file=sys.stderr)
                marker.write_text(project.commit + "\n")
            clock = time.monotonic()
            try:
                report = audit(binary, tree, args.mode, args.jobs)
            except (RuntimeError, json.JSONDecodeError) as error:
                failures.append((project.repo, str(error)))
                continue
            elapsed = time.monotonic() - clock
            count = 0
            for item in report["findings"]:
                if item.get("suppressed"):
                    continue
                finding = Finding(project.repo, item["rule"], item["path"], int(item["line"]),
                                  item["message"])
                finding.key = finding_key(finding.rule, finding.path, finding.message)
                findings.append(finding)
                count += 1
            timings.append((project.repo, elapsed, report["summary"].get("files", 0), count))
            if args.work is None:
                shutil.rmtree(tree, ignore_errors=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    total = time.monotonic() - started

    match(findings, [v for v in verdicts])

    print(f"poolaudit ecosystem check: {binary} (mode {args.mode})")
    print(f"\n{'project':55} {'files':>6} {'findings':>8} {'seconds':>8}")
    for repo, elapsed, files, count in timings:
        print(f"{repo:55} {files:6} {count:8} {elapsed:8.2f}")
    audit_time = sum(t[1] for t in timings)
    print(f"{'audited ' + str(len(timings)) + ' projects':55} {sum(t[2] for t in timings):6} "
          f"{len(findings):8} {audit_time:8.2f}   (wall, extraction included: {total:.1f} s)")

    print_table(findings)

    audited = {t[0] for t in timings}
    # A verdict for a rule this mode does not run (an opt-in rule in the default mode) is not stale.
    running = selected_rules(binary, args.mode)
    stale = [v for v in verdicts if not v.used and v.project in audited
             and (running is None or v.rule in running)]
    if stale:
        print(f"\nverdicts with no finding at this commit ({len(stale)}): fixed, or the message "
              "changed (then the finding shows as new)")
        for v in stale:
            print(f"  {v.project} {v.path}:{v.line} {v.rule} [{v.verdict}] {one_line(v.reason, 90)}")

    runs = json.loads(args.last_run.read_text()) if args.last_run.exists() else {}
    last = runs.get(args.mode)
    if last is None:
        print(f"\nno recorded run for mode {args.mode} in {args.last_run.name} (--record writes one)")
    else:
        old = [item for item in last["findings"] if item["project"] in audited]
        appeared, vanished = diff_runs(old, findings)
        print(f"\nagainst the recorded run ({last.get('binary_version', '?')}): "
              f"{len(appeared)} new, {len(vanished)} vanished")
        verdict_of = {(f.project, f.key, f.line): f.verdict or "new" for f in findings}
        for item in appeared:
            tag = verdict_of.get((item["project"], item["key"], item["line"]), "new")
            print(f"  + [{tag}] {item['project']} {item['path']}:{item['line']} {item['rule']} "
                  f"{one_line(item['message'], 100)}")
        for item in vanished:
            print(f"  - {item['project']} {item['path']}:{item['line']} {item['rule']} "
                  f"{one_line(item['message'], 100)}")

    for wanted in args.show:
        chosen = [f for f in findings if wanted == "all" or (f.verdict or "new") == wanted]
        print(f"\nfindings shown ({wanted}): {len(chosen)}  "
              "[project, path, line, rule, verdict, key, message]")
        for f in chosen:
            print("\t".join([f.project, f.path, str(f.line), f.rule, f.verdict or "?", f.key,
                             one_line(f.reason or f.message, 400)]))

    if failures:
        print(f"\npoolaudit failed on {len(failures)} project(s):")
        for repo, error in failures:
            print(f"  {repo}: {error}")
    if missing:
        print(f"\nmissing {len(missing)} of {len(projects)} project(s) under {args.mirror}: "
              "fetch their snapshots (see README, 'Contributing: the ecosystem check')")
        for project, why in missing:
            print(f"  {project.repo} @ {project.commit[:12]}: {why}")

    if args.record:
        version = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
        # A partial run (--only) replaces the record of the projects it audited, keeps the rest.
        kept = [item for item in (last or {}).get("findings", []) if item["project"] not in audited]
        records = kept + [as_record(f) for f in findings]
        runs[args.mode] = {
            "binary_version": version.stdout.strip().splitlines()[0] if version.stdout else "?",
            "projects": sorted(audited | set((last or {}).get("projects", []))),
            "findings": sorted(records, key=lambda r: (r["project"], r["path"], r["line"],
                                                       r["rule"], r["key"])),
        }
        args.last_run.write_text(json.dumps(runs, indent=1, ensure_ascii=False) + "\n")
        print(f"\nrecorded this run as the reference in {args.last_run}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
