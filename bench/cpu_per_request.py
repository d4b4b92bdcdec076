"""Server CPU per request: for each everyday request, the CPU milliseconds one gunicorn worker
spends on it (user + system time from /proc, DEBUG off, demo data) and its SQL statements.

    bin/with-db.sh .venv/bin/python bench/cpu_per_request.py [--requests 60]
    bin/with-db.sh .venv/bin/python bench/cpu_per_request.py --tree before=/tmp/before --tree after=.
    ... --redis-url redis://127.0.0.1:6379/9     # sessions, caches and broker in Redis

Each tree gets its own database (``<--db-prefix>_<name>`` on the server of DATABASE_URL),
created, migrated and seeded with the demo on first use (``--fresh``: dropped and made again,
so that no filing of an earlier run is the newest query, the one the query page opens). One gunicorn process with one thread
serves it, so that its CPU time is the requests' alone; every kind of request is sent
``--warm`` times first, then ``--requests`` times, and the worker's CPU time before and after
gives the figure. The statements are counted by the same requests under Django's test client
in a process of the tree's own. Prints a Markdown table (also written to
bench/out/cpu_per_request.md). Only 127.0.0.1 is contacted; the servers are stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PASSWORD = "cpu-bench-password-1"
FILING = {
    "kind": "request",
    "priority": "routine",
    "subject": "CPU bench consignment",
    "body": "Please check the consignment and tell us what you find.",
    "recipients": ["UZ"],
    "container_numbers": ["CSQU3054383"],
}
#: (name, user, method, path); ``{query}`` is a query the focal point may open, ``{notice}`` a
#: pre-arrival notice coming to the focal point's country. A tree without the app (404 on the
#: first try) shows a dash for that request.
REQUESTS = [
    ("inbox page", "focal.kz", "GET", "/queries/"),
    ("query page", "focal.kz", "GET", "/queries/{query}/"),
    ("report list page", "analyst.kz", "GET", "/seizures/reports/"),
    ("dashboard page", "analyst.kz", "GET", "/seizures/"),
    ("queries API", "focal.kz", "GET", "/api/v1/queries/"),
    ("notifications API", "focal.kz", "GET", "/api/v1/notifications/"),
    ("hits API", "focal.kz", "GET", "/api/v1/hits/"),
    ("arrivals board page", "focal.kz", "GET", "/arrivals/"),
    ("arrival notice page", "focal.kz", "GET", "/arrivals/{notice}/"),
    ("targeting page", "focal.kz", "GET", "/targeting/"),
    ("arrivals API", "focal.kz", "GET", "/api/v1/arrivals/?direction=incoming"),
    ("filing (API)", "focal.kz", "POST", "/api/v1/queries/"),
]
ARRIVALS = "/api/v1/arrivals/?direction=incoming"


def first_ids(client) -> dict[str, int]:
    """The query and the notice the parametrised requests open (0 where the app is absent)."""
    ids = {"query": client.get("/api/v1/queries/").json()["results"][0]["id"], "notice": 0}
    response = client.get(ARRIVALS)
    if response.status_code == 200 and response.json()["results"]:
        ids["notice"] = response.json()["results"][0]["id"]
    return ids


def server_env(tree: Path, database_url: str, redis_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.pop("REDIS_URL", None)
    if redis_url:
        # As in production: sessions, caches and the broker in Redis (no worker runs; the
        # filings' alert tasks wait in the queue, and the database is set aside afterwards).
        env["REDIS_URL"] = redis_url
    env.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": "cpu-bench-only-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "TWO_FACTOR_ROLES": "",
            "API_USER_THROTTLE_RATE": "100000/min",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(tree),
            "DJANGO_SETTINGS_MODULE": "ireN.settings",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_THREADS": "1",
        }
    )
    return env


def database_url(name: str) -> str:
    base = os.environ.get("DATABASE_URL")
    if not base:
        raise SystemExit("Set DATABASE_URL, or run under bin/with-db.sh")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/" + name))


def prepare(tree: Path, env: dict, name: str, fresh: bool = False) -> None:
    import psycopg2

    parts = urlsplit(env["DATABASE_URL"])
    admin = psycopg2.connect(
        dbname="postgres", user=parts.username, host=parts.hostname, port=parts.port or 5432
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        fresh = cursor.fetchone() is None
        if fresh:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    commands = [["migrate", "--no-input", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"]]
    if fresh:
        commands.append(["seed_demo", "--password", PASSWORD])
    for command in commands:
        subprocess.run(
            [PYTHON, "manage.py", *command], cwd=tree, env=env, check=True, capture_output=True
        )


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn worker with one thread, for one tree."""

    def __init__(self, tree: Path, env: dict, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [GUNICORN, "ireN.wsgi:application", "--chdir", str(tree)]
            + ["--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "1"]
            # One worker for the whole run: a recycled worker would start its CPU time anew.
            + ["--max-requests", "0"],
            cwd=tree,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/accounts/login/", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer; see {log}")

    def worker_pid(self) -> int:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return int(children.read_text().split()[0])

    def cpu_seconds(self) -> float:
        pid = self.worker_pid()
        if getattr(self, "_pid", pid) != pid:
            raise RuntimeError("the gunicorn worker was replaced during the run")
        self._pid = pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        self.log.close()


def login(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/accounts/login/"},
    )
    if response.status_code != 302:
        raise RuntimeError(f"{username} could not log in ({response.status_code})")
    client.headers["X-CSRFToken"] = client.cookies.get("csrftoken", "")
    client.headers["Referer"] = base + "/"
    return client


def send(client: httpx.Client, method: str, path: str) -> bool:
    """Send one request; False when the tree has no such page (404), else it must succeed."""
    if method == "POST":
        response = client.post(path, json=FILING)
        expected = 201
    else:
        response = client.get(path)
        expected = 200
    if response.status_code == 404:
        return False
    if response.status_code != expected:
        raise RuntimeError(f"{method} {path}: {response.status_code}")
    return True


def measure_tree(name: str, tree: Path, args) -> dict[str, dict]:
    db = f"{args.db_prefix}_{name}"
    env = server_env(tree, database_url(db), args.redis_url)
    prepare(tree, env, db, fresh=args.fresh)
    if args.redis_url:
        # Each tree has its own database, and cached rights and sessions are keyed by row ids:
        # start every tree on an empty Redis database.
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    server = Server(tree, env, out / f"cpu_{name}.log")
    try:
        clients = {user: login(server.url, user) for user in {r[1] for r in REQUESTS}}
        ids = first_ids(clients["focal.kz"])
        cpu = {}
        for kind, user, method, path in REQUESTS:
            path = path.format(**ids)
            if not send(clients[user], method, path):
                cpu[kind] = None
                continue
            for _ in range(args.warm):
                send(clients[user], method, path)
            before = server.cpu_seconds()
            for _ in range(args.requests):
                send(clients[user], method, path)
            cpu[kind] = (server.cpu_seconds() - before) * 1000 / args.requests
    finally:
        server.stop()
    counted = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "cpu_per_request.py"), "--count-statements", json.dumps(ids)]
        + ["--present", "|".join(kind for kind, ms in cpu.items() if ms is not None)],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    statements = json.loads(counted.stdout.strip().splitlines()[-1])
    return {kind: {"cpu_ms": cpu[kind], "statements": statements.get(kind)} for kind in cpu}


def count_statements(ids: dict[str, int], present: list[str]) -> None:
    """In the tree's own process: the statements of one request of each kind (after one
    request to warm the caches), under Django's test client."""
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from members.models import User

    clients = {}
    counts = {}
    for kind, user, method, path in REQUESTS:
        if kind not in present:
            continue
        if user not in clients:
            clients[user] = Client()
            clients[user].force_login(User.objects.get(username=user))
        client, path = clients[user], path.format(**ids)

        def call(client=client, method=method, path=path):
            if method == "POST":
                return client.post(path, FILING, content_type="application/json")
            return client.get(path)

        call()
        with CaptureQueriesContext(connection) as captured:
            call()
        counts[kind] = len(captured.captured_queries)
    print(json.dumps(counts))


def cell(figures: dict) -> str:
    if figures["cpu_ms"] is None:
        return "— | —"
    return f"{figures['cpu_ms']:.1f} | {figures['statements']}"


def render(results: dict[str, dict], args) -> str:
    names = list(results)
    head = "| request | " + " | ".join(f"{n}: CPU ms | {n}: SQL" for n in names) + " |"
    rule = "| --- |" + " ---: | ---: |" * len(names)
    redis = f"Redis at {args.redis_url}" if args.redis_url else "no Redis"
    lines = [
        f"{args.requests} requests of each kind after {args.warm} to warm up; {redis}.",
        "",
        head,
        rule,
    ]
    for kind, *_ in REQUESTS:
        cells = " | ".join(cell(results[n][kind]) for n in names)
        lines.append(f"| {kind} | {cells} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", default=[], help="NAME=PATH (repeatable)")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--db-prefix", default="iren_bench_cpu")
    parser.add_argument(
        "--redis-url", default="", help="serve with REDIS_URL (e.g. redis://127.0.0.1:6379/9)"
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="drop each tree's database first (the filings of an earlier run change which "
        "query the query page opens)",
    )
    parser.add_argument("--count-statements", metavar="IDS", help=argparse.SUPPRESS)
    parser.add_argument("--present", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_statements is not None:
        count_statements(json.loads(args.count_statements), args.present.split("|"))
        return
    trees = [t.split("=", 1) for t in args.tree] or [["current", str(ROOT)]]
    results = {name: measure_tree(name, Path(path).resolve(), args) for name, path in trees}
    table = render(results, args)
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "cpu_per_request.md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
