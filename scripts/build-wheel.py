#!/usr/bin/env python3
"""Builds dist/poolaudit-<version>-py3-none-<platform>.whl around the poolaudit binary.

Python standard library only (zipfile, hashlib): no build backend is needed or fetched. The binary
is installed as the `poolaudit` script (<name>.data/scripts/, which pip copies to the environment's
bin/ with its executable bit); the man page and the completions go under <prefix>/share/.

The platform tag is read from the binary, never assumed: manylinux_<glibc>_<arch> (PEP 600) only when
every shared library it needs is one the manylinux policy guarantees on the target system and
libstdc++ is linked statically; otherwise linux_<arch>, which pip installs on Linux machines of that
architecture, and the libraries it needs are printed (on Debian: the packages `make deb` lists).
"""
import argparse
import base64
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

# Libraries every manylinux system has (PEP 600, the auditwheel policy). libstdc++ is left out: its
# symbol versions follow the compiler, not glibc, so a wheel that needs it is not tagged manylinux.
MANYLINUX_LIBRARIES = {
    "libc.so.6", "libm.so.6", "libdl.so.2", "librt.so.1", "libpthread.so.0", "libgcc_s.so.1",
    "libresolv.so.2", "libutil.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1",
}
ELF_MACHINES = {0x3E: "x86_64", 0xB7: "aarch64", 0x03: "i686"}


def elf_architecture(binary):
    with open(binary, "rb") as f:
        header = f.read(20)
    if header[:4] != b"\x7fELF":
        sys.exit(f"build-wheel: {binary} is not an ELF executable")
    order = "little" if header[5] == 1 else "big"
    machine = int.from_bytes(header[18:20], order)
    if machine not in ELF_MACHINES:
        sys.exit(f"build-wheel: unknown ELF machine {machine:#x} in {binary}")
    return ELF_MACHINES[machine]


def dynamic_needs(binary):
    """(NEEDED libraries, the highest GLIBC_x.y version required) from `objdump -p`."""
    out = subprocess.run(["objdump", "-p", binary], check=True, capture_output=True, text=True).stdout
    needed = re.findall(r"^\s*NEEDED\s+(\S+)", out, re.M)
    versions = [tuple(int(p) for p in v.split(".")) for v in re.findall(r"\bGLIBC_(\d+\.\d+(?:\.\d+)?)\b", out)]
    return needed, max(versions, default=(2, 17))[:2]


def platform_tag(binary):
    arch = elf_architecture(binary)
    needed, glibc = dynamic_needs(binary)
    foreign = [lib for lib in needed if lib not in MANYLINUX_LIBRARIES]
    if not foreign:
        tag = f"manylinux_{glibc[0]}_{glibc[1]}_{arch}"
        print(f"build-wheel: {tag}: needs glibc {glibc[0]}.{glibc[1]} and no library outside the manylinux policy")
        return tag
    print(f"build-wheel: linux_{arch}: the binary needs {', '.join(foreign)} (not in the manylinux "
          f"policy), so the wheel installs on machines that have them (glibc >= {glibc[0]}.{glibc[1]})")
    return f"linux_{arch}"


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def metadata(version, homepage):
    return (
        "Metadata-Version: 2.1\n"
        "Name: poolaudit\n"
        f"Version: {version}\n"
        "Summary: Audits SQLAlchemy connection pools, sessions and Alembic set-ups in Python backends\n"
        f"Home-page: {homepage}\n"
        "Keywords: sqlalchemy,alembic,connection-pool,linter,static-analysis\n"
        "Classifier: Environment :: Console\n"
        "Classifier: Operating System :: POSIX :: Linux\n"
        "Classifier: Topic :: Software Development :: Quality Assurance\n"
        "Description-Content-Type: text/markdown\n"
        "\n"
        "poolaudit reads Python backends (it never imports or runs them) and finds SQLAlchemy\n"
        "connection-pool, session and Alembic misconfigurations. This wheel carries the native\n"
        "`poolaudit` executable; `pip install` puts it on the environment's PATH.\n"
    ).encode()


def build(args):
    binary_tag = args.platform or platform_tag(args.binary)
    dist_info = f"poolaudit-{args.version}.dist-info"
    data = f"poolaudit-{args.version}.data"
    with tempfile.TemporaryDirectory() as tmp:
        binary = os.path.join(tmp, "poolaudit")
        shutil.copyfile(args.binary, binary)
        if args.strip:
            subprocess.run([args.strip, binary], check=True)
        with open(binary, "rb") as f:
            executable = f.read()
    files = [(f"{data}/scripts/poolaudit", executable, 0o755)]
    if args.shell_docs:
        for source, target in (("poolaudit.1", "share/man/man1/poolaudit.1"),
                               ("poolaudit.bash", "share/bash-completion/completions/poolaudit"),
                               ("_poolaudit", "share/zsh/site-functions/_poolaudit")):
            with open(os.path.join(args.shell_docs, source), "rb") as f:
                files.append((f"{data}/data/{target}", f.read(), 0o644))
    wheel = (
        "Wheel-Version: 1.0\n"
        "Generator: poolaudit scripts/build-wheel.py\n"
        "Root-Is-Purelib: false\n"
        f"Tag: py3-none-{binary_tag}\n"
    ).encode()
    files.append((f"{dist_info}/METADATA", metadata(args.version, args.homepage), 0o644))
    files.append((f"{dist_info}/WHEEL", wheel, 0o644))
    record = "".join(record_line(name, content) + "\n" for name, content, _ in files)
    record += f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode(), 0o644))

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"poolaudit-{args.version}-py3-none-{binary_tag}.whl")
    # Reproducible: fixed order and timestamps (SOURCE_DATE_EPOCH when set).
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content, mode in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    with open(path + ".part", "wb") as f:
        f.write(buffer.getvalue())
    os.replace(path + ".part", path)
    print(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the poolaudit executable (Release)")
    parser.add_argument("--version", required=True)
    parser.add_argument("--out", default="dist", help="output directory (default: dist)")
    parser.add_argument("--strip", help="strip program to run on a copy of the binary")
    parser.add_argument("--shell-docs", help="directory with poolaudit.1, poolaudit.bash and _poolaudit")
    parser.add_argument("--homepage", default="")
    parser.add_argument("--platform", help="platform tag (default: read from the binary)")
    build(parser.parse_args())


if __name__ == "__main__":
    main()
