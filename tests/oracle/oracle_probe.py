"""What the oracle's programs import to observe the server side: the harness puts this module on
PYTHONPATH and names the case's database in the environment. It is not part of the audited code:
poolaudit sees an unresolved import."""

import os

import psycopg2


def _connect():
    return psycopg2.connect(
        host="127.0.0.1",
        port=int(os.environ["ORACLE_PG_PORT"]),
        user="app",
        dbname=os.environ["ORACLE_DATABASE"],
    )


def backend_states():
    """The states of the other client backends connected to this case's database, sorted."""
    conn = _connect()
    try:
        with conn.cursor() as cur:
            cur.execute(
                "select coalesce(state, '?') from pg_stat_activity "
                "where datname = current_database() "
                "and backend_type = 'client backend' and pid <> pg_backend_pid() order by 1"
            )
            return [row[0] for row in cur.fetchall()]
    finally:
        conn.close()


def report_backends(when):
    states = backend_states()
    print(f"backends {when}: {len(states)} {states}", flush=True)


def count_rows(table):
    conn = _connect()
    try:
        with conn.cursor() as cur:
            cur.execute(f"select count(*) from {table}")
            return cur.fetchone()[0]
    finally:
        conn.close()


def terminate_backends():
    """Ends the other backends of this case's database, as a server restart or failover does."""
    conn = _connect()
    try:
        with conn.cursor() as cur:
            cur.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity "
                "where datname = current_database() and backend_type = 'client backend' "
                "and pid <> pg_backend_pid()"
            )
    finally:
        conn.close()
