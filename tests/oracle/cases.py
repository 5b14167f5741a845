"""The oracle's cases: for each rule, the claim, the services it needs, and its programs (a positive
and a clean look-alike, under cases/PAnnn/) with what running them must show.

A program is a file (a one-file project) or a directory (a project; `entry` is the file to run).
Programs carry literal URLs as the audited code would (`postgresql://app@127.0.0.1:5432/app`;
6432 is the project's PgBouncer, 3306 MariaDB): poolaudit audits the pristine copy, and the copy
that runs has host:port/database replaced by the oracle's servers and the case's own database."""

import dataclasses
import json
import os
import re
import shutil
import subprocess


HERE = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(HERE, "cases")
PYTHON = "/usr/bin/python3"
POSTGRES, PGBOUNCER, MARIADB = "postgres", "pgbouncer", "mariadb"


@dataclasses.dataclass
class Program:
    path: str  # under cases/PAnnn/
    clean: bool = False  # a look-alike: exits 0, shows `expect`, never `claim`
    expect: list = dataclasses.field(
        default_factory=list
    )  # substrings (or re patterns) it must hold
    absent: list = dataclasses.field(default_factory=list)  # substrings it must not hold
    runs: int = 1  # how many times it runs (a restart is a second run)
    entry: str = ""  # for a project directory: the file to run
    env: dict = dataclasses.field(default_factory=dict)
    run: str = ""  # why it is not run (it needs a version Debian does not ship)
    audit: bool = True  # False: a driver-level program, not what poolaudit audits


@dataclasses.dataclass
class Case:
    rule: str
    claim: str  # what the positive shows, in the oracle's report
    services: list
    programs: list
    claim_text: list = dataclasses.field(default_factory=list)  # must not appear in a clean run


TYPE_ERROR_101 = (
    "TypeError: Invalid argument(s) 'pool_size' sent to create_engine(), using configuration "
    "PGDialect_psycopg2/NullPool/Engine.  Please check that the keyword arguments are "
    "appropriate for this combination of components."
)
GONE_AWAY = '(pymysql.err.OperationalError) (2006, "MySQL server has gone away'
# The statement number depends on how many statements the dialect prepared before.
ASYNCPG_DUPLICATE = re.compile(
    r"<class 'asyncpg\.exceptions\.DuplicatePreparedStatementError'>: prepared statement "
    r'"__asyncpg_stmt_\d+__" already exists'
)
NO_PSYCOPG_DIALECT = "the postgresql+psycopg dialect is SQLAlchemy 2.0's"
TIMEOUT_2_0 = (
    "TimeoutError: QueuePool limit of size 2 overflow 0 reached, connection timed out, timeout 1.00"
)

CASES = [
    Case(
        "PA101",
        "NullPool + pool_size: create_engine() raises the TypeError",
        [POSTGRES],
        [
            Program("positive.py", expect=[TYPE_ERROR_101]),
            Program("clean.py", clean=True, expect=["answer: 42"]),
        ],
        claim_text=["TypeError"],
    ),
    Case(
        "PA107",
        "asyncpg through PgBouncer transaction mode: the restarted app hits "
        "'prepared statement ... already exists', also with both statement caches off",
        [PGBOUNCER],
        [
            Program(
                "positive",
                entry="app.py",
                runs=2,
                expect=["catalog tables: True", ASYNCPG_DUPLICATE],
            ),
            Program(
                "positive_caches",
                entry="app.py",
                runs=2,
                expect=["catalog tables: True", ASYNCPG_DUPLICATE],
            ),
            Program("clean", entry="app.py", clean=True, runs=2, expect=["catalog tables: True"]),
        ],
        claim_text=["prepared statement"],
    ),
    Case(
        "PA109",
        "StaticPool on PostgreSQL: another thread's checkin rolls back a committed insert",
        [POSTGRES],
        [
            Program("positive.py", expect=["orders committed and stored: 0"]),
            Program("clean.py", clean=True, expect=["orders committed and stored: 1"]),
        ],
    ),
    Case(
        "PA110",
        "MariaDB pooled engine without recycle/pre-ping: MySQL server has gone away after "
        "wait_timeout",
        [MARIADB],
        [
            Program("positive.py", expect=["job 1: 1", GONE_AWAY]),
            Program("clean.py", clean=True, expect=["job 1: 1", "job 2: 2"]),
        ],
        claim_text=["server has gone away"],
    ),
    Case(
        "PA116",
        "ini strings are not coerced: sqlalchemy.poolclass crashes engine_from_config(), "
        "pool_pre_ping = false turns the ping on",
        [POSTGRES],
        [
            Program(
                "positive",
                entry="upgrade.py",
                expect=["AttributeError: 'str' object has no attribute '__dict__'"],
            ),
            Program("clean", entry="upgrade.py", clean=True, expect=["migrated"]),
            # The ping is observed: the server drops the pooled connection, and only a pinged
            # checkout gets a new one.
            Program(
                "positive_pre_ping",
                entry="app.py",
                expect=["invoices: 3", "invoices after the server dropped the connection: 3"],
            ),
            Program(
                "clean_pre_ping",
                entry="app.py",
                clean=True,
                expect=["invoices: 3", "the pooled connection was dead: OperationalError"],
                absent=["invoices after the server dropped the connection"],
            ),
        ],
        claim_text=["AttributeError"],
    ),
    Case(
        "PA117",
        "psycopg 3 through PgBouncer transaction mode: a prepared query fails on another server "
        "connection (driver level: SQLAlchemy 1.4 has no postgresql+psycopg dialect)",
        [PGBOUNCER],
        [
            Program("positive", entry="app.py", run=NO_PSYCOPG_DIALECT),
            Program("clean", entry="app.py", clean=True, run=NO_PSYCOPG_DIALECT),
            Program(
                "driver_positive.py",
                audit=False,
                expect=[
                    "psycopg.errors.InvalidSqlStatementName: "
                    'prepared statement "_pg3_0" does not exist'
                ],
            ),
            Program("driver_clean.py", audit=False, clean=True, expect=["order total: 70"]),
        ],
        claim_text=["prepared statement"],
    ),
    Case(
        "PA118",
        "sqlite:// default pool: a worker thread sees an empty database (no such table)",
        [],
        [
            Program(
                "positive.py",
                expect=[
                    "request failed: OperationalError: (sqlite3.OperationalError) "
                    "no such table: items"
                ],
            ),
            Program("clean.py", clean=True, expect=["items seen by the request thread: 1"]),
        ],
        claim_text=["no such table"],
    ),
    Case(
        "PA119",
        "pool_reset_on_return=None on 1.4: the pooled connection is idle in transaction",
        [POSTGRES],
        [
            Program(
                "positive",
                entry="app.py",
                expect=[
                    "report: True",
                    "backends after the connection went back to the pool: 1 "
                    "['idle in transaction']",
                ],
            ),
            Program(
                "clean",
                entry="app.py",
                clean=True,
                expect=[
                    "report: True",
                    "backends after the connection went back to the pool: 1 ['idle']",
                ],
            ),
        ],
        claim_text=["idle in transaction"],
    ),
    Case(
        "PA120",
        "check_same_thread on PostgreSQL: psycopg2 rejects it on the first connection",
        [POSTGRES],
        [
            Program(
                "positive.py",
                expect=[
                    "(psycopg2.ProgrammingError) invalid dsn: invalid connection option "
                    '"check_same_thread"'
                ],
            ),
            Program("clean.py", clean=True, expect=["answer: 42"]),
        ],
        claim_text=["check_same_thread"],
    ),
    Case(
        "PA201",
        "a session not closed keeps its connection: the pool times out on the third request",
        [POSTGRES],
        [
            Program(
                "positive.py",
                expect=["request 0: ok True", "request 1: ok True", "request 2: " + TIMEOUT_2_0],
            ),
            Program("clean.py", clean=True, expect=["request 2: ok True"]),
        ],
        claim_text=["TimeoutError"],
    ),
    Case(
        "PA202",
        "a generator dependency without finally leaks its session when the handler raises",
        [POSTGRES],
        [
            Program(
                "positive.py",
                expect=["request 0: 404", "request 1: 404", "request 2: 503 " + TIMEOUT_2_0],
            ),
            Program(
                "clean.py",
                clean=True,
                expect=["request 0: 404", "request 1: 404", "request 2: 404"],
            ),
        ],
        claim_text=["TimeoutError"],
    ),
    Case(
        "PA204",
        "sessionmaker(autocommit=True): RemovedIn20Warning on 1.4 (SQLALCHEMY_WARN_20=1)",
        [POSTGRES],
        [
            Program(
                "positive.py",
                env={"SQLALCHEMY_WARN_20": "1", "PYTHONWARNINGS": "always"},
                expect=[
                    "answer: 42",
                    "RemovedIn20Warning: The Session.autocommit parameter is deprecated "
                    "and will be removed in SQLAlchemy version 2.0.",
                ],
            ),
            Program(
                "clean.py",
                clean=True,
                env={"SQLALCHEMY_WARN_20": "1", "PYTHONWARNINGS": "always"},
                expect=["answer: 42"],
            ),
        ],
        claim_text=["autocommit parameter is deprecated"],
    ),
    Case(
        "PA207",
        "a generator (async or not) used in a with statement: TypeError",
        [POSTGRES],
        [
            Program(
                "positive.py",
                expect=[
                    "TypeError: 'generator' object does not support the context manager " "protocol"
                ],
            ),
            Program("clean.py", clean=True, expect=["job result: 42"]),
            Program(
                "positive_async.py",
                expect=[
                    "TypeError: 'async_generator' object does not support the "
                    "asynchronous context manager protocol"
                ],
            ),
            Program("clean_async.py", clean=True, expect=["task result: 42"]),
        ],
        claim_text=["TypeError"],
    ),
    Case(
        "PA208",
        "commit in finally persists the failed request's partial write",
        [POSTGRES],
        [
            Program(
                "positive.py",
                expect=[
                    "request failed: card declined",
                    "payments stored after the failed request: 1",
                ],
            ),
            Program(
                "clean.py",
                clean=True,
                expect=[
                    "request failed: card declined",
                    "payments stored after the failed request: 0",
                ],
            ),
        ],
    ),
    Case(
        "PA301",
        "a pooled Alembic engine keeps its connection open after an in-process upgrade",
        [POSTGRES],
        [
            Program(
                "positive",
                entry="upgrade.py",
                expect=["migrated", "backends after the upgrade: 1 ['idle']"],
            ),
            Program(
                "clean",
                entry="upgrade.py",
                clean=True,
                expect=["migrated", "backends after the upgrade: 0 []"],
            ),
        ],
    ),
    Case(
        "PA302",
        "an async env.py that never disposes its pooled engine leaves the connection open "
        "(ResourceWarning: unclosed connection)",
        [POSTGRES],
        [
            Program(
                "positive",
                entry="upgrade.py",
                env={"PYTHONWARNINGS": "default::ResourceWarning"},
                expect=[
                    "migrated",
                    "backends after the upgrade: 1 ['idle']",
                    "ResourceWarning: unclosed connection <asyncpg.connection.Connection",
                ],
            ),
            Program(
                "clean",
                entry="upgrade.py",
                clean=True,
                env={"PYTHONWARNINGS": "default::ResourceWarning"},
                expect=["migrated", "backends after the upgrade: 0 []"],
            ),
        ],
        claim_text=["unclosed connection"],
    ),
    Case(
        "PA402",
        "connected before fork: the forked worker uses the parent's backend",
        [POSTGRES],
        [
            Program("positive.py", expect=["the forked worker used the same backend"]),
            Program("clean.py", clean=True, expect=["the forked worker used its own backend"]),
        ],
        claim_text=["the same backend"],
    ),
]

# Claims the oracle cannot observe on Debian's versions: why, and where they were verified instead.
SKIPPED = [
    (
        "PA107",
        "the complete fix, prepared_statement_name_func, is SQLAlchemy 2.0.10+: verified from "
        "source, "
        "lib/sqlalchemy/dialects/postgresql/asyncpg.py:935-957@rel_2_0_52",
    ),
    (
        "PA108",
        "the ArgumentError is SQLAlchemy 2.0.28+: verified from source, "
        "lib/sqlalchemy/engine/create.py:690-699@rel_2_0_52",
    ),
    (
        "PA117",
        "the postgresql+psycopg dialect is SQLAlchemy 2.0's: its programs are audited, psycopg 3 "
        "is run alone",
    ),
    (
        "PA121",
        "the keywords were removed in SQLAlchemy 2.0 (1.4.46 accepts them): verified from source, "
        "lib/sqlalchemy/engine/create.py:719-732@rel_2_0_52",
    ),
    (
        "PA204",
        "the ArgumentError is SQLAlchemy 2.0's: verified from source, "
        "lib/sqlalchemy/orm/session.py:1751-1754@rel_2_0_52",
    ),
]


def found(expected, output):
    return (
        expected.search(output) is not None
        if isinstance(expected, re.Pattern)
        else expected in output
    )


def shown(expected):
    return expected.pattern if isinstance(expected, re.Pattern) else expected


class Runner:
    def __init__(self, stack, poolaudit, log):
        self.stack = stack
        self.poolaudit = poolaudit
        self.log = log
        self.work = os.path.join(stack.root, "work")
        os.makedirs(self.work, exist_ok=True)

    def run_case(self, case):
        for service in case.services:
            {
                POSTGRES: self.stack.start_postgres,
                PGBOUNCER: self.stack.start_pgbouncer,
                MARIADB: self.stack.start_mariadb,
            }[service]()
        problems = []
        for program in case.programs:
            problems += self.run_program(case, program)
        return problems

    def _database(self, case, program):
        return f"{case.rule}_{os.path.splitext(program.path)[0]}".lower()

    def _copy(self, case, program, where, substitute):
        source = os.path.join(CASES_DIR, case.rule, program.path)
        target = os.path.join(self.work, where, f"{case.rule}-{os.path.splitext(program.path)[0]}")
        if os.path.isdir(source):
            shutil.copytree(source, target)
        else:
            os.makedirs(target)
            shutil.copy(source, target)
        if substitute:
            for folder, _, files in os.walk(target):
                for name in files:
                    path = os.path.join(folder, name)
                    with open(path) as f:
                        text = f.read()
                    replaced = substitute(text)
                    if replaced != text:
                        with open(path, "w") as f:
                            f.write(replaced)
        return target

    def run_program(self, case, program):
        label = f"{case.rule}/{program.path}"
        if program.run:
            self.log(f"     {label}: not run ({program.run}); audited only")
            return self.audit(case, program)
        database = self._database(case, program)
        ports = {
            "5432": self.stack.pg_port,
            "6432": self.stack.bouncer_port,
            "3306": self.stack.maria_port,
        }

        def substitute(text):
            for placeholder, port in ports.items():
                if port:
                    text = text.replace(
                        f"@127.0.0.1:{placeholder}/app", f"@127.0.0.1:{port}/{database}"
                    )
            return text

        if POSTGRES in case.services or PGBOUNCER in case.services:
            self.stack.create_database(database)
        if MARIADB in case.services:
            self.stack.create_maria_database(database)
        run_dir = self._copy(case, program, "run", substitute)
        entry = program.entry or os.path.basename(program.path)
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": run_dir,
            "LANG": "C.UTF-8",
            "PYTHONPATH": HERE,
            "PYTHONDONTWRITEBYTECODE": "1",
            "ORACLE_DATABASE": database,
            "ORACLE_PG_PORT": str(self.stack.pg_port or ""),
        }
        env.update(program.env)
        output = ""
        for run in range(program.runs):
            try:
                result = subprocess.run(
                    [PYTHON, entry],
                    cwd=run_dir,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    timeout=90,
                    start_new_session=True,
                )
            except subprocess.TimeoutExpired as exc:
                return [f"{label}: run {run + 1} timed out after 90 s:\n{exc.output or ''}"]
            output += f"--- run {run + 1} (exit {result.returncode})\n{result.stdout}"
            if program.clean and result.returncode != 0:
                return [f"{label}: the clean program failed (exit {result.returncode}):\n{output}"]
        problems = [
            f"{label}: expected {shown(e)!r} in the output"
            for e in program.expect
            if not found(e, output)
        ]
        absent = list(program.absent) + (case.claim_text if program.clean else [])
        problems += [f"{label}: did not expect {a!r} in the output" for a in absent if a in output]
        if problems:
            problems.append(f"{label} output:\n{output.rstrip()}")
        if program.audit:
            problems += self.audit(case, program)
        return problems

    def audit(self, case, program):
        """poolaudit on the pristine copy: the rule on the positive, not on the clean look-alike."""
        label = f"{case.rule}/{program.path}"
        target = self._copy(case, program, "audit", None)
        result = subprocess.run(
            [self.poolaudit, "--format", "json", "--isolated", "--exit-zero", target],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            return [f"{label}: poolaudit exited {result.returncode}: {result.stderr}"]
        findings = json.loads(result.stdout)["findings"]
        codes = sorted({f["rule"] for f in findings})
        reported = [f for f in findings if f["rule"] == case.rule]
        if program.clean and reported:
            return [
                f"{label}: poolaudit reports {case.rule} on the clean look-alike: "
                + "; ".join(f"line {f['line']}: {f['message']}" for f in reported)
            ]
        if not program.clean and not reported:
            return [
                f"{label}: poolaudit does not report {case.rule} (it reports {codes or 'nothing'})"
            ]
        return []
