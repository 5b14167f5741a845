"""The oracle's database stack: a private PostgreSQL cluster, a PgBouncer in transaction pool mode
in front of it and, when a case needs it, a MariaDB server. Everything listens on loopback ports
chosen free, lives in one temporary directory and is stopped (process group kill) when the stack
closes, also on failure. PostgreSQL, PgBouncer and MariaDB refuse to run as root: as root the
servers run as the `postgres` system user, which owns the temporary directory."""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

PG_BIN_DIRS = [
    "/usr/lib/postgresql/15/bin",
    "/usr/lib/postgresql/16/bin",
    "/usr/lib/postgresql/17/bin",
]


class Missing(Exception):
    """A binary or account the stack needs is absent: the oracle is skipped, not failed."""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_pg_bin():
    for d in PG_BIN_DIRS:
        if os.path.exists(os.path.join(d, "initdb")):
            return d
    raise Missing("PostgreSQL server binaries (initdb) not found; install the postgresql package")


def which(name, package):
    path = shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if not path:
        raise Missing(f"{name} not found; install the {package} package")
    return path


class Stack:
    """Starts services on demand; `close()` stops all of them."""

    def __init__(self, log):
        self.log = log
        self.root = tempfile.mkdtemp(prefix="poolaudit-oracle-")
        self.procs = []  # (name, Popen), stopped in reverse order
        self.server_user = None
        if os.geteuid() == 0:
            try:
                self.server_user = pwd.getpwnam("postgres")
            except KeyError:
                raise Missing(
                    "running as root and there is no `postgres` account to run the servers as"
                )
            os.chmod(self.root, 0o755)
            os.chown(self.root, self.server_user.pw_uid, self.server_user.pw_gid)
        self.pg_port = None
        self.bouncer_port = None
        self.maria_port = None
        self.versions = {}

    # -- helpers ---------------------------------------------------------------------------------

    def _as_server_user(self, argv):
        if self.server_user is None:
            return argv
        setpriv = which("setpriv", "util-linux")
        return [
            setpriv,
            f"--reuid={self.server_user.pw_uid}",
            f"--regid={self.server_user.pw_gid}",
            "--init-groups",
            "--reset-env",
        ] + argv

    def _mkdir(self, name):
        path = os.path.join(self.root, name)
        os.makedirs(path, exist_ok=True)
        if self.server_user is not None:
            os.chown(path, self.server_user.pw_uid, self.server_user.pw_gid)
        return path

    def _run(self, argv, what):
        result = subprocess.run(
            self._as_server_user(argv),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
            cwd=self.root,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stdout}")
        return result.stdout

    def _spawn(self, name, argv, logfile, stop_signal=signal.SIGTERM):
        out = open(os.path.join(self.root, logfile), "ab")
        proc = subprocess.Popen(
            self._as_server_user(argv),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=self.root,
            start_new_session=True,
        )
        out.close()
        self.procs.append((name, proc, stop_signal))
        return proc

    def _wait_port(self, name, proc, port, logfile, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited ({proc.returncode}):\n{self.tail(logfile)}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(
            f"{name} did not listen on {port} within {seconds} s:\n{self.tail(logfile)}"
        )

    def tail(self, logfile, lines=30):
        try:
            with open(os.path.join(self.root, logfile), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"

    # -- PostgreSQL ------------------------------------------------------------------------------

    def start_postgres(self):
        if self.pg_port:
            return
        pg_bin = find_pg_bin()
        data = self._mkdir("pg-data")
        sockets = self._mkdir("pg-socket")
        started = time.monotonic()
        self._run(
            [
                os.path.join(pg_bin, "initdb"),
                "-D",
                data,
                "-U",
                "app",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
            "initdb",
        )
        self.pg_port = free_port()
        proc = self._spawn(
            "postgres",
            [
                os.path.join(pg_bin, "postgres"),
                "-D",
                data,
                "-p",
                str(self.pg_port),
                "-k",
                sockets,
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=60",
                "-c",
                "shared_buffers=16MB",
            ],
            "postgres.log",
            signal.SIGINT,
        )  # PostgreSQL's fast shutdown
        self._wait_port("postgres", proc, self.pg_port, "postgres.log")
        version = self.pg_query("show server_version")
        self.versions["PostgreSQL"] = version.split()[0]
        self.log(
            f"PostgreSQL {self.versions['PostgreSQL']} on 127.0.0.1:{self.pg_port} "
            f"({time.monotonic() - started:.1f} s)"
        )

    def pg_query(self, sql, database="postgres"):
        """One statement through psql, for setup only (the programs use their own drivers)."""
        psql = os.path.join(find_pg_bin(), "psql")
        result = subprocess.run(
            [
                psql,
                "-h",
                "127.0.0.1",
                "-p",
                str(self.pg_port),
                "-U",
                "app",
                "-d",
                database,
                "-XAtq",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql {sql!r}: {result.stdout}")
        return result.stdout.strip()

    def create_database(self, name):
        self.start_postgres()
        self.pg_query(f'drop database if exists "{name}" with (force)')
        self.pg_query(f'create database "{name}"')

    # -- PgBouncer -------------------------------------------------------------------------------

    def start_pgbouncer(self):
        if self.bouncer_port:
            return
        self.start_postgres()
        binary = which("pgbouncer", "pgbouncer")
        conf_dir = self._mkdir("pgbouncer")
        self.bouncer_port = free_port()
        auth = os.path.join(conf_dir, "userlist.txt")
        with open(auth, "w") as f:
            f.write('"app" ""\n')
        ini = os.path.join(conf_dir, "pgbouncer.ini")
        # Transaction mode, as Supabase's 6543 and Neon's -pooler run it; a small pool per database
        # so that server connections are reused by the next client and the next transaction.
        with open(ini, "w") as f:
            f.write(
                f"""[databases]
* = host=127.0.0.1 port={self.pg_port} pool_size=2

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.bouncer_port}
unix_socket_dir =
auth_type = trust
auth_file = {auth}
pool_mode = transaction
max_client_conn = 100
default_pool_size = 2
server_reset_query =
ignore_startup_parameters = extra_float_digits,statement_timeout
logfile = {os.path.join(conf_dir, 'pgbouncer.log')}
pidfile =
"""
            )
        if self.server_user is not None:
            for path in (auth, ini):
                os.chown(path, self.server_user.pw_uid, self.server_user.pw_gid)
        proc = self._spawn("pgbouncer", [binary, ini], "pgbouncer.out")
        self._wait_port("pgbouncer", proc, self.bouncer_port, "pgbouncer.out")
        version = subprocess.run(
            [binary, "--version"], stdout=subprocess.PIPE, text=True
        ).stdout.split()
        self.versions["PgBouncer"] = version[1] if len(version) > 1 else "?"
        self.log(
            f"PgBouncer {self.versions['PgBouncer']} (transaction mode) "
            f"on 127.0.0.1:{self.bouncer_port}"
        )

    # -- MariaDB ---------------------------------------------------------------------------------

    def start_mariadb(self):
        if self.maria_port:
            return
        mysqld = which("mariadbd", "mariadb-server")
        install_db = which("mariadb-install-db", "mariadb-server")
        data = self._mkdir("maria-data")
        started = time.monotonic()
        user = self.server_user.pw_name if self.server_user else pwd.getpwuid(os.geteuid()).pw_name
        self._run(
            [
                install_db,
                "--no-defaults",
                f"--datadir={data}",
                f"--user={user}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
            ],
            "mariadb-install-db",
        )
        self.maria_port = free_port()
        sock = os.path.join(self.root, "maria.sock")
        # wait_timeout=2: the server drops a connection idle for 2 s (it does after 8 h by default).
        proc = self._spawn(
            "mariadb",
            [
                mysqld,
                "--no-defaults",
                f"--datadir={data}",
                f"--port={self.maria_port}",
                "--bind-address=127.0.0.1",
                f"--socket={sock}",
                "--skip-grant-tables",
                "--skip-name-resolve",
                "--wait-timeout=2",
                "--innodb-buffer-pool-size=16M",
                "--skip-log-bin",
                f"--pid-file={os.path.join(self.root, 'maria.pid')}",
            ],
            "mariadb.log",
        )
        self._wait_port("mariadb", proc, self.maria_port, "mariadb.log")
        out = subprocess.run(
            [mysqld, "--version"], stdout=subprocess.PIPE, text=True
        ).stdout.split()
        self.versions["MariaDB"] = next((w.split("-")[0] for w in out if w[:1].isdigit()), "?")
        self.log(
            f"MariaDB {self.versions['MariaDB']} (wait_timeout=2) on 127.0.0.1:{self.maria_port} "
            f"({time.monotonic() - started:.1f} s)"
        )

    def create_maria_database(self, name):
        import pymysql

        conn = pymysql.connect(host="127.0.0.1", port=self.maria_port, user="app")
        try:
            with conn.cursor() as cur:
                cur.execute(f"drop database if exists `{name}`")
                cur.execute(f"create database `{name}`")
        finally:
            conn.close()

    # -- teardown --------------------------------------------------------------------------------

    def close(self):
        self.close_processes_only()
        shutil.rmtree(self.root, ignore_errors=True)

    def close_processes_only(self):
        for name, proc, stop_signal in reversed(self.procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, stop_signal)
                except ProcessLookupError:
                    pass
        for name, proc, _ in reversed(self.procs):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.log(f"{name} did not stop: killing its process group")
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            if proc.poll() is None:
                proc.wait(timeout=15)
        self.procs.clear()
