#!/usr/bin/python3
"""The oracle: proves poolaudit's rules against the real stack (issue 17).

For every case in cases.py it runs the positive program and its clean look-alike against a
private PostgreSQL cluster, a PgBouncer in transaction mode and, where needed, MariaDB, and checks
the claimed behaviour (the exact error text, a leaked backend, `idle in transaction`, ...) on the
positive and its absence on the clean one; then it runs poolaudit on each and checks that the rule
is reported on the positive only. Claims that need versions Debian does not ship are reported as
skipped with the source they were verified from.

usage: run.py POOLAUDIT_BINARY [--only PA101,PA107] [--keep]
Exit 0: every case proven; 1: a claim or a poolaudit expectation failed; 77: the stack is missing
(ctest SKIP_RETURN_CODE)."""

import argparse
import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

SKIP = 77


def log(message):
    print(message, flush=True)


def check_python_stack():
    """The Python half of the stack, imported by Debian's interpreter that runs the programs."""
    missing = []
    for module, package in [
        ("sqlalchemy", "python3-sqlalchemy"),
        ("psycopg2", "python3-psycopg2"),
        ("psycopg", "python3-psycopg"),
        ("asyncpg", "python3-asyncpg"),
        ("alembic", "python3-alembic"),
        ("pymysql", "python3-pymysql"),
    ]:
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    return missing


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("poolaudit")
    parser.add_argument("--only", default="", help="comma-separated rule ids")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (debugging)")
    args = parser.parse_args()

    if os.environ.get("POOLAUDIT_NO_ORACLE"):
        log("oracle skipped: POOLAUDIT_NO_ORACLE is set")
        return SKIP
    missing = check_python_stack()
    if missing:
        log(
            f"oracle skipped: {sys.executable} cannot import the stack; "
            f"install {' '.join(missing)} "
            "(scripts/install-deps.sh does)"
        )
        return SKIP

    import cases
    import stack as stack_module
    import sqlalchemy

    listed = {c.rule for c in cases.CASES}
    unlisted = sorted(set(os.listdir(cases.CASES_DIR)) - listed)
    if unlisted:
        log(f"oracle: cases/{', cases/'.join(unlisted)} not listed in cases.py")
        return 1
    only = {code.strip().upper() for code in args.only.split(",") if code.strip()}
    selected = [c for c in cases.CASES if not only or c.rule in only]
    started = time.monotonic()
    # ctest's timeout and Ctrl-C end the run through `finally`, which stops the servers (they run
    # in sessions of their own, so nothing else would).
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda *_: sys.exit("oracle: stopped by signal"))
    try:
        stack = stack_module.Stack(log)
    except stack_module.Missing as exc:
        log(f"oracle skipped: {exc}")
        return SKIP
    stack.versions["SQLAlchemy"] = sqlalchemy.__version__
    for module in ("alembic", "psycopg2", "psycopg", "asyncpg", "pymysql"):
        stack.versions[module] = getattr(__import__(module), "__version__", "?").split()[0]
    failures = []
    proven = []
    try:
        runner = cases.Runner(stack, os.path.abspath(args.poolaudit), log)
        for case in selected:
            case_started = time.monotonic()
            try:
                problems = runner.run_case(case)
            except stack_module.Missing as exc:
                log(f"oracle skipped: {exc}")
                return SKIP
            elapsed = time.monotonic() - case_started
            if problems:
                failures.append((case.rule, problems))
                log(f"FAIL {case.rule} ({elapsed:.1f} s)")
                for p in problems:
                    log("  " + p.replace("\n", "\n  "))
            else:
                proven.append(case.rule)
                log(f"ok   {case.rule} ({elapsed:.1f} s): {case.claim}")
        for rule, reason in cases.SKIPPED:
            if not only or rule in only:
                partly = " (in part)" if rule in listed else ""
                log(f"skip {rule}{partly}: {reason}")
    finally:
        if args.keep:
            log(f"work directory kept: {stack.root}")
            stack.close_processes_only()
        else:
            stack.close()
    versions = ", ".join(f"{k} {v}" for k, v in stack.versions.items())
    skipped = {r for r, _ in cases.SKIPPED if not only or r in only}
    log(
        f"oracle: {len(proven)} rules proven, {len(failures)} failed, "
        f"{len(skipped - listed)} skipped, "
        f"{len(skipped & listed)} proven in part ({versions}); {time.monotonic() - started:.0f} s"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
