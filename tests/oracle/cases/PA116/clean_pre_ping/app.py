# A Pyramid app: the engine options come from the [app:main] section of production.ini.
import configparser

from sqlalchemy import engine_from_config, text

import oracle_probe


def main(global_config, **settings):
    return engine_from_config(settings, "sqlalchemy.")


def invoice_count(engine):
    with engine.connect() as conn:
        return conn.execute(text("select 3")).scalar()


if __name__ == "__main__":
    ini = configparser.ConfigParser()
    ini.read("production.ini")
    engine = main({}, **ini["app:main"])
    print("invoices:", invoice_count(engine))
    oracle_probe.terminate_backends()  # the server drops the pooled connection (a restart, a failover)
    try:
        print("invoices after the server dropped the connection:", invoice_count(engine))
    except Exception as exc:
        print(f"the pooled connection was dead: {type(exc).__name__}")
