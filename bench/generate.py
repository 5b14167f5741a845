#!/usr/bin/env python3
"""Writes a synthetic but realistic Python backend corpus for benchmarking poolaudit.

    python3 bench/generate.py OUT_DIR --size medium            # presets: small, medium, large
    python3 bench/generate.py OUT_DIR --lines 120000 --seed 7  # any size

The same seed and size always give the same bytes (stdlib only, one random.Random).
The mix mirrors a large service monorepo: about 9 files in 10 never touch a database (services,
schemas, utils: nothing in them names SQLAlchemy, an engine, a session or a database URL); the rest
are ORM models, settings modules and database modules in the shapes the
analyser has to resolve (keywords, dicts built across branches, **opts, NullPool switches, async
engines, sessionmakers, FastAPI dependencies, Alembic env.py + alembic.ini). A few large generated
files and deeply nested expressions stress the parser and the abstract interpreter, and
stress_resolver.py (thousands of dict updates under branches) checks the resolver stays linear.
With --all-relevant every Python file (services, schemas, utils, the generated and stress files)
also imports SQLAlchemy, so the pre-filter can skip nothing (the worst case for it).
"""
import argparse
import os
import random
import shutil
import sys

PRESETS = {"small": 50_000, "medium": 500_000, "large": 2_000_000}

WORDS = ["user", "order", "invoice", "payment", "account", "product", "cart", "shipment", "report",
         "audit", "tenant", "quota", "token", "profile", "catalog", "price", "discount", "review",
         "message", "channel", "event", "metric", "job", "task", "webhook", "subscription", "plan",
         "ledger", "refund", "coupon", "inventory", "warehouse", "address", "contact", "document"]
VERBS = ["get", "list", "create", "update", "delete", "sync", "validate", "compute", "render",
         "export", "import", "archive", "restore", "notify", "schedule", "merge", "split", "score"]
DRIVERS = ["postgresql+psycopg2", "postgresql+psycopg", "mysql+pymysql", "postgresql", "sqlite"]
ASYNC_DRIVERS = ["postgresql+asyncpg", "mysql+aiomysql", "sqlite+aiosqlite"]
HOSTS = ["db", "localhost", "pgbouncer", "db.internal", "primary.cluster-abc.eu-west-1.rds.amazonaws.com",
         "127.0.0.1"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def pick(self, seq):
        return self.r.choice(seq)

    def ident(self):
        return f"{self.pick(WORDS)}_{self.pick(WORDS)}"

    def camel(self):
        return "".join(w.capitalize() for w in (self.pick(WORDS), self.pick(WORDS)))

    def url(self, async_=False):
        drv = self.pick(ASYNC_DRIVERS if async_ else DRIVERS)
        if drv.startswith("sqlite"):
            return f"{drv}:///./{self.pick(WORDS)}.db"
        return f"{drv}://app:app@{self.pick(HOSTS)}:{self.pick([5432, 6432, 3306])}/{self.pick(WORDS)}"

    # ---- ordinary code (no database) ----------------------------------------------------------

    def function(self, indent="", method=False):
        r, name = self.r, f"{self.pick(VERBS)}_{self.ident()}"
        args = ", ".join(f"{self.pick(WORDS)}_{i}: {self.pick(['int', 'str', 'dict', 'list[str]', 'Optional[int]'])}"
                         for i in range(r.randint(0, 4)))
        head = f"{indent}def {name}(self{', ' if args else ''}{args}) -> {self.pick(['dict', 'list', 'bool', 'None', 'int'])}:" \
            if method else f"{indent}def {name}({args}):"
        body = [f'{indent}    """{self.pick(VERBS).capitalize()} the {self.pick(WORDS)} {self.pick(WORDS)}s."""',
                f"{indent}    result = {{}}"]
        for _ in range(r.randint(2, 7)):
            kind = r.randrange(7)
            v = self.ident()
            if kind == 0:
                body += [f"{indent}    for item in {v}s or []:",
                         f"{indent}        if item.get({self.pick(WORDS)!r}) is None:",
                         f"{indent}            continue",
                         f"{indent}        result[item[{self.pick(WORDS)!r}]] = item"]
            elif kind == 1:
                body += [f"{indent}    try:",
                         f"{indent}        {v} = json.loads(payload.get({self.pick(WORDS)!r}, '{{}}'))",
                         f"{indent}    except (ValueError, KeyError) as exc:",
                         f"{indent}        logger.warning('bad %s: %s', {self.pick(WORDS)!r}, exc)",
                         f"{indent}        {v} = {{}}"]
            elif kind == 2:
                body += [f"{indent}    {v} = [x * {r.randint(2, 9)} for x in range({r.randint(3, 99)}) if x % {r.randint(2, 5)}]"]
            elif kind == 3:
                body += [f"{indent}    if len(result) > {r.randint(1, 100)}:",
                         f"{indent}        logger.info(f\"{{len(result)}} {self.pick(WORDS)}s\")",
                         f"{indent}    elif {v}:",
                         f"{indent}        result.update({{{self.pick(WORDS)!r}: {r.randint(0, 999)}}})",
                         f"{indent}    else:",
                         f"{indent}        result.setdefault({self.pick(WORDS)!r}, [])"]
            elif kind == 4:
                body += [f"{indent}    with open(os.path.join(BASE_DIR, {self.pick(WORDS)!r})) as fh:",
                         f"{indent}        {v} = fh.read().splitlines()"]
            elif kind == 5:
                body += [f"{indent}    {v} = {{k: v for k, v in sorted(result.items()) if not k.startswith('_')}}",
                         f"{indent}    total = sum(len(str(x)) for x in {v}.values())"]
            else:
                body += [f"{indent}    {v} = requests.get(f\"{{API_ROOT}}/{self.pick(WORDS)}s/{{{r.randint(1, 9)}}}\", timeout={r.randint(1, 30)})",
                         f"{indent}    {v}.raise_for_status()"]
        body.append(f"{indent}    return result")
        return [head] + body + [""]

    def service(self):
        r = self.r
        lines = ["import json", "import logging", "import os", "from typing import Optional", "",
                 "import requests", "", "logger = logging.getLogger(__name__)",
                 f"API_ROOT = os.environ.get('API_ROOT', 'http://{self.pick(WORDS)}.internal')",
                 "BASE_DIR = os.path.dirname(__file__)", "", ""]
        for _ in range(r.randint(1, 3)):
            lines += [f"class {self.camel()}Service:", f"    timeout = {r.randint(1, 60)}", "",
                      "    def __init__(self, client=None):", "        self.client = client or requests", ""]
            for _ in range(r.randint(2, 6)):
                lines += self.function("    ", method=True)
            lines.append("")
        for _ in range(r.randint(1, 5)):
            lines += self.function() + [""]
        return lines

    def model(self):
        # ORM models import sqlalchemy but create no engine: the analyser must walk past them.
        r = self.r
        lines = ["from datetime import datetime", "",
                 "from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text",
                 "from sqlalchemy.orm import relationship", "", "from .base import Base", "", ""]
        for _ in range(r.randint(2, 6)):
            name = self.camel()
            lines += [f"class {name}(Base):", f"    __tablename__ = {name.lower() + 's'!r}", "",
                      "    id = Column(Integer, primary_key=True)"]
            for _ in range(r.randint(3, 10)):
                col = self.pick([f"Column(String({r.choice([32, 64, 255])}), nullable={r.choice(['True', 'False'])})",
                                 "Column(Text)", "Column(DateTime, default=datetime.utcnow)",
                                 f"Column(Integer, ForeignKey('{self.pick(WORDS)}s.id'), index=True)"])
                lines.append(f"    {self.ident()} = {col}")
            lines += [f"    {self.pick(WORDS)} = relationship({self.camel()!r}, back_populates={self.pick(WORDS)!r})", "",
                      "    def __repr__(self):", f"        return f\"<{name} {{self.id}}>\"", "", ""]
        return lines

    def schema(self):
        r = self.r
        lines = ["from datetime import datetime", "from typing import List, Optional", "",
                 "from pydantic import BaseModel, Field, validator", "", ""]
        for _ in range(r.randint(2, 8)):
            lines += [f"class {self.camel()}Schema(BaseModel):"]
            for _ in range(r.randint(2, 9)):
                lines.append(f"    {self.ident()}: {self.pick(['int', 'str', 'Optional[str] = None', 'List[int] = []', 'datetime', 'float = Field(0.0, ge=0)'])}")
            lines += ["", "    class Config:", "        orm_mode = True", ""]
            if r.random() < 0.4:
                f = self.ident()
                lines += [f"    @validator({f!r})", f"    def check_{f}(cls, v):",
                          "        if v is None:", "            raise ValueError('required')", "        return v", ""]
            lines.append("")
        return lines

    def utils(self):
        lines = ["import functools", "import json", "import logging", "import os", "import re", "",
                 "logger = logging.getLogger(__name__)", "BASE_DIR = os.path.dirname(__file__)",
                 "API_ROOT = ''", "", ""]
        for _ in range(self.r.randint(3, 9)):
            if self.r.random() < 0.3:
                lines.append("@functools.lru_cache(maxsize=None)")
            lines += self.function() + [""]
        return lines

    # ---- settings and database modules ------------------------------------------------------

    def settings(self):
        r = self.r
        return ["from functools import lru_cache", "", "from pydantic_settings import BaseSettings", "", "",
                "class Settings(BaseSettings):",
                f"    DATABASE_URL: str = {self.url()!r}",
                f"    POOL_SIZE: int = {r.choice([5, 10, 20, 50])}",
                f"    MAX_OVERFLOW: int = {r.choice([0, 5, 10, 20])}",
                f"    POOL_RECYCLE: int = {r.choice([300, 1800, 3600])}",
                f"    DEBUG: bool = {r.choice(['False', 'True'])}",
                f"    {self.ident().upper()}: str = {self.pick(WORDS)!r}", "",
                "    class Config:", "        env_file = '.env'", "", "",
                "@lru_cache", "def get_settings() -> Settings:", "    return Settings()", "", "",
                "settings = get_settings()", ""]

    def db_module(self):
        r = self.r
        shape = r.randrange(7)
        if shape == 0:  # plain keywords from settings
            return ["from sqlalchemy import create_engine", "from sqlalchemy.orm import sessionmaker", "",
                    "from .settings import settings", "",
                    "engine = create_engine(", "    settings.DATABASE_URL,",
                    "    pool_size=settings.POOL_SIZE,", "    max_overflow=settings.MAX_OVERFLOW,",
                    f"    pool_pre_ping={r.choice(['True', 'False'])},", "    pool_recycle=settings.POOL_RECYCLE,",
                    ")", "SessionLocal = sessionmaker(bind=engine, autoflush=False, expire_on_commit=False)", ""]
        if shape == 1:  # dict built up across branches, NullPool on serverless
            return ["import os", "", "from sqlalchemy import create_engine", "from sqlalchemy.pool import NullPool",
                    "from sqlalchemy.orm import sessionmaker", "",
                    f"DATABASE_URL = os.environ.get('DATABASE_URL', {self.url()!r})", "",
                    "engine_kwargs = {'pool_pre_ping': True}",
                    "if os.environ.get('AWS_LAMBDA_FUNCTION_NAME'):",
                    "    engine_kwargs['poolclass'] = NullPool",
                    f"    engine_kwargs['pool_size'] = {r.choice([5, 10])}" if r.random() < 0.5 else "    pass",
                    "elif os.environ.get('TESTING'):",
                    "    engine_kwargs.update(echo=True)", "else:",
                    f"    engine_kwargs.update(pool_size={r.choice([5, 20])}, max_overflow={r.choice([0, 10])})",
                    "    engine_kwargs['pool_recycle'] = 1800", "",
                    "engine = create_engine(DATABASE_URL, **engine_kwargs)",
                    "SessionLocal = sessionmaker(engine)", ""]
        if shape == 2:  # **opts helper
            return ["from sqlalchemy import create_engine", "", "",
                    "def make_engine(url, **opts):",
                    "    opts.setdefault('pool_pre_ping', True)", "    return create_engine(url, **opts)", "", "",
                    f"primary = make_engine({self.url()!r}, pool_size={r.choice([5, 10, 30])})",
                    f"replica = make_engine({self.url()!r}, pool_size={r.choice([5, 10])}, max_overflow=0)", ""]
        if shape == 3:  # async engine + async sessionmaker
            return ["from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine",
                    "from sqlalchemy.pool import NullPool", "",
                    f"engine = create_async_engine({self.url(async_=True)!r}, "
                    + r.choice(["pool_size=10, max_overflow=5", "poolclass=NullPool", "echo=False, pool_pre_ping=True"]) + ")",
                    "AsyncSessionLocal = async_sessionmaker(engine, expire_on_commit=False)", "", "",
                    "async def get_session():", "    async with AsyncSessionLocal() as session:",
                    "        yield session", ""]
        if shape == 4:  # FastAPI get_db dependency
            return ["from fastapi import Depends, FastAPI", "from sqlalchemy import create_engine",
                    "from sqlalchemy.orm import Session, sessionmaker", "",
                    f"engine = create_engine({self.url()!r}, pool_size={r.choice([5, 10])})",
                    "SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)",
                    "app = FastAPI()", "", "",
                    "def get_db():", "    db = SessionLocal()", "    try:", "        yield db", "    finally:",
                    "        db.close()", "", "",
                    f"@app.get('/{self.pick(WORDS)}s/{{item_id}}')",
                    "def read_item(item_id: int, db: Session = Depends(get_db)):",
                    "    return db.get(Item, item_id)", ""]
        if shape == 5:  # NullPool vs QueuePool branch on a flag
            return ["import os", "", "from sqlalchemy import create_engine",
                    "from sqlalchemy.pool import NullPool, QueuePool", "",
                    "USE_PGBOUNCER = os.getenv('USE_PGBOUNCER') == '1'",
                    "pool_cls = NullPool if USE_PGBOUNCER else QueuePool", "",
                    f"engine = create_engine({self.url()!r}, poolclass=pool_cls, pool_size={r.choice([5, 15])})", ""]
        return ["import os", "", "from sqlalchemy import create_engine", "",  # options dict from a config module
                "DB_OPTIONS = {", f"    'pool_size': int(os.getenv('POOL_SIZE', '{r.choice([5, 10])}')),",
                "    'max_overflow': 10,", "    'pool_timeout': 30,", "}", "",
                "if os.getenv('DB_DEBUG'):", "    DB_OPTIONS['echo'] = True", "",
                f"engine = create_engine(os.environ['DATABASE_URL'], **DB_OPTIONS)", ""]

    def alembic_env(self):
        return ["from logging.config import fileConfig", "", "from alembic import context",
                "from sqlalchemy import engine_from_config, pool", "", "from app.models.base import Base", "",
                "config = context.config", "if config.config_file_name is not None:",
                "    fileConfig(config.config_file_name)", "target_metadata = Base.metadata", "", "",
                "def run_migrations_offline() -> None:", "    url = config.get_main_option('sqlalchemy.url')",
                "    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)",
                "    with context.begin_transaction():", "        context.run_migrations()", "", "",
                "def run_migrations_online() -> None:", "    connectable = engine_from_config(",
                "        config.get_section(config.config_ini_section, {}),",
                "        prefix='sqlalchemy.',", f"        poolclass=pool.{self.pick(['NullPool', 'NullPool', 'QueuePool'])},",
                "    )", "    with connectable.connect() as connection:",
                "        context.configure(connection=connection, target_metadata=target_metadata)",
                "        with context.begin_transaction():", "            context.run_migrations()", "", "",
                "if context.is_offline_mode():", "    run_migrations_offline()", "else:",
                "    run_migrations_online()", ""]

    def alembic_ini(self):
        return ["[alembic]", "script_location = migrations", f"sqlalchemy.url = {self.url()}", "",
                "[loggers]", "keys = root,sqlalchemy,alembic", "", "[logger_root]", "level = WARN",
                "handlers = console", ""]

    # ---- stress files ----------------------------------------------------------------------

    def large_constants(self, n):
        r = self.r
        lines = ["# Generated file: do not edit.", "", f"{self.ident().upper()}_TABLE = {{"]
        for i in range(n):
            lines.append(f"    {f'{self.pick(WORDS)}_{i}'!r}: {{'id': {i}, 'weight': {r.random():.4f}, "
                         f"'tags': [{self.pick(WORDS)!r}, {self.pick(WORDS)!r}], 'enabled': {r.choice(['True', 'False'])}}},")
        lines += ["}", "", f"CODES = ("]
        lines += [f"    {r.randint(0, 10**9)}," for _ in range(n // 4)]
        lines += [")", ""]
        lines += [f"{self.pick(WORDS).upper()}_{i} = {r.randint(0, 10**6)}" for i in range(n // 4)]
        return lines + [""]

    def deep_nesting(self, depth):
        # Nested calls, brackets, conditionals and operator chains hundreds deep: recursion in the
        # parser and the interpreter must survive. Brackets stop at 190 because CPython refuses more
        # than 200 ("too many nested parentheses"), so real code never goes deeper; the conditional
        # and the operator chain have no such limit.
        brackets = min(depth, 190)
        calls = "f(" * brackets + "1" + ")" * brackets
        lists = "[" * brackets + "0" + "]" * brackets
        mixed = "".join(f"{{'k{i}': (" for i in range(brackets // 2)) + "None" + ")}" * (brackets // 2)
        cond = "x = " + " if a else ".join(str(i) for i in range(depth))
        binop = "y = " + " + ".join(f"v{i}" for i in range(depth * 4))
        return ["def f(x):", "    return x", "", "a = v = 0", f"CALLS = {calls}", f"LISTS = {lists}",
                f"MIXED = {mixed}", cond, binop, ""]

    def stress_resolver(self, updates):
        # Thousands of dict updates and branches feeding one engine: cost must stay linear.
        r = self.r
        lines = ["import os", "", "from sqlalchemy import create_engine", "from sqlalchemy.pool import NullPool", "",
                 "opts = {}"]
        for i in range(updates):
            k = r.randrange(5)
            if k == 0:
                lines += [f"if os.getenv('F{i}'):", f"    opts['pool_size'] = {r.randint(1, 50)}",
                          "else:", f"    opts['max_overflow'] = {r.randint(0, 20)}"]
            elif k == 1:
                lines.append(f"opts.update(pool_timeout={r.randint(1, 60)})")
            elif k == 2:
                lines.append(f"opts['opt_{i}'] = {r.randint(0, 9)}")
            elif k == 3:
                lines += [f"if os.getenv('N{i}'):", "    opts['poolclass'] = NullPool"]
            else:
                lines.append(f"opts.setdefault('pool_recycle', {r.randint(60, 3600)})")
        lines += ["", f"engine = create_engine({self.url()!r}, **opts)", ""]
        return lines


ALL_RELEVANT = ["from sqlalchemy.orm import Session  # type hints only", ""]


def write(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(lines))
        if lines and lines[-1] != "":
            fh.write("\n")
    return len(lines)


def generate(out, target, seed, all_relevant=False):
    g = Gen(seed)
    r = g.r
    total = files = 0
    head = ALL_RELEVANT if all_relevant else []
    # Fixed stress files first, scaled to the corpus size.
    scale = max(1, target // 50_000)
    total += write(os.path.join(out, "stress_resolver.py"), head + g.stress_resolver(min(5000, 1000 * scale)))
    total += write(os.path.join(out, "deep_nesting.py"), head + g.deep_nesting(300))
    files += 2
    for i in range(min(8, 2 * scale)):
        total += write(os.path.join(out, "generated", f"constants_{i}.py"),
                       head + g.large_constants(r.randint(2000, 6000)))
        files += 1
    service = 0
    while total < target:
        pkg = os.path.join(out, f"svc_{service:04d}", "app")
        service += 1
        total += write(os.path.join(pkg, "__init__.py"), [""])
        files += 1
        n_files = r.randint(15, 45)
        db_files = max(1, n_files // 20)
        total += write(os.path.join(pkg, "settings.py"), g.settings())
        for j in range(db_files):
            total += write(os.path.join(pkg, "db.py" if j == 0 else f"db_{j}.py"), g.db_module())
        files += 1 + db_files
        if r.random() < 0.4:
            root = os.path.dirname(pkg)
            total += write(os.path.join(root, "alembic.ini"), g.alembic_ini())
            total += write(os.path.join(root, "migrations", "env.py"), g.alembic_env())
            files += 2
        for j in range(n_files - db_files - 1):
            kind = r.choices(["services", "models", "schemas", "utils"], weights=[12, 1, 5, 5])[0]
            body = {"services": g.service, "models": g.model, "schemas": g.schema, "utils": g.utils}[kind]()
            if all_relevant and kind != "models":
                body = head + body
            total += write(os.path.join(pkg, kind, f"{g.ident()}_{j}.py"), body)
            files += 1
            if total >= target:
                break
    return total, files


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="directory to write (replaced if it exists)")
    ap.add_argument("--size", choices=sorted(PRESETS), default="small")
    ap.add_argument("--lines", type=int, help="target size in lines (overrides --size)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--all-relevant", action="store_true",
                    help="every module imports SQLAlchemy (the pre-filter's worst case)")
    args = ap.parse_args()
    target = args.lines or PRESETS[args.size]
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    lines, files = generate(args.out, target, args.seed, args.all_relevant)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(args.out) for f in fs)
    print(f"{args.out}: {files} files, {lines} lines, {size} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
