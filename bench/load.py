"""Load test: a mix of the portal's common requests from concurrent clients against gunicorn,
for one or two code trees side by side (e.g. the commit before the operations work and this
one), interleaved round by round so that both see the same machine.

How to run (PostgreSQL and Redis on 127.0.0.1; each tree gets its own database, created,
migrated and seeded on the first run and kept afterwards):

    git worktree add /tmp/before baba861          # the tree to compare with (optional)
    .venv/bin/python bench/load.py --tree before=/tmp/before --tree after=. \\
        [--clients 20] [--duration 40] [--max-requests 8000] [--rounds 2]

Server configurations side by side (one tree, one database, a server per configuration, the
rounds interleaved as for trees; the arguments go to gunicorn after ``--config`` and override
it):

    .venv/bin/python bench/load.py --tree main=. \\
        --gunicorn-args sync4="--worker-class sync --workers 4 --threads 1" \\
        --gunicorn-args gthread4x4="--workers 4 --threads 4" \\
        --gunicorn-args gthread2x8="--workers 2 --threads 8"

What it does, for each tree:
1. creates the database ``<--db-prefix>_<name>``, runs ``manage.py migrate`` and
   ``manage.py seed_demo`` with that tree's code (this venv's packages);
2. starts gunicorn on a free port of 127.0.0.1 with the Procfile's settings (this tree's
   ``gunicorn.conf.py``, given to both trees so that only the application differs; with
   ``--own-config``, each tree's own, so that its shipped configuration is compared too),
   DEBUG off,
   Redis db ``--redis-db``; with ``--gunicorn-args``, one server per configuration (named
   ``<tree>-<configuration>``), all on the tree's database;
3. on a fresh database, adds volume through the server's own API: ``--seed-queries`` urgent
   queries and ``--seed-reports`` seizure reports (CSV imports); then ``ANALYZE``s the
   database, as autovacuum would (this machine's PostgreSQL may run with it off);
4. logs ``--clients`` clients in (the ten focal points and the ten analysts of the demo) and
   lets each one loop over its part of the mix for ``--duration`` seconds or until
   ``--max-requests`` requests in all: focal points open the inbox, a query page, the
   notifications API and the queries API and file a query now and then; analysts open the
   seizure dashboard and the report list.

Prints throughput, p50/p95, and the CPU per request of the gunicorn processes and of
PostgreSQL for each server and round, and per request kind, as Markdown (also written to
bench/out/load.md). Only 127.0.0.1 is ever contacted; every loop is bounded in time and
count; the servers are stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import random
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PASSWORD = "load-test-password-1"
MEMBERS = ["AF", "AZ", "GE", "KZ", "KG", "PK", "TJ", "TM", "UA", "UZ"]
FOCAL_MIX = [("inbox", 3), ("query page", 3), ("notifications API", 2), ("query API", 2)]
ANALYST_MIX = [("dashboard", 1), ("report list", 2)]
FILING_EVERY = 8  # a focal point files one query in about this many requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(tree: Path, database_url: str, redis_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DEBUG": "0",
            "SECRET_KEY": "load-test-only-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "LOG_LEVEL": "WARNING",
            # The focal points log in with a password only (no second factor), and twenty
            # clients sharing ten accounts are not throttled as one person would be.
            "TWO_FACTOR_ROLES": "",
            "API_USER_THROTTLE_RATE": "100000/min",
            "PYTHONPATH": str(tree),
            "DJANGO_SETTINGS_MODULE": "ireN.settings",
        }
    )
    return env


def prepare_database(name: str, tree: Path, env: dict) -> bool:
    """Create, migrate and seed the tree's database; True while it lacks the added volume."""
    import psycopg2

    connection = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        ["collectstatic", "--no-input", "-v", "0"],
        ["seed_demo", "--password", PASSWORD],
    ):
        subprocess.run(
            [PYTHON, "manage.py", *command], cwd=tree, env=env, check=True, capture_output=True
        )
    connection = psycopg2.connect(dbname=name, user="postgres", host="127.0.0.1")
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM seizures_seizurereport WHERE reference LIKE 'LOAD-%'")
        loaded = cursor.fetchone()[0]
    connection.close()
    return loaded == 0


def statistics_refresh(name: str) -> None:
    """``ANALYZE`` the tree's database once its volume is in, as autovacuum does on a server
    that runs it (this machine's PostgreSQL may run with it off: then the planner would take
    the tables for the few rows the migrations saw, and plan every list for them)."""
    import psycopg2

    connection = psycopg2.connect(dbname=name, user="postgres", host="127.0.0.1")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()


def postgres_cpu_seconds() -> float:
    """CPU time of this machine's PostgreSQL so far (user and system): every live process's
    own, and that of the backends already gone (reaped by the postmaster, so counted in its
    children's time). The rounds run one at a time, so a round's difference is its own (and
    the other work of the machine's server, if any)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :]
        if name.startswith("postgres"):
            fields = rest.split()
            total += sum(int(value) for value in fields[11:15])
    return total / tick


class Server:
    def __init__(
        self, name: str, tree: Path, env: dict, config: Path, log: Path, extra: list[str] = ()
    ):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "ireN.wsgi:application",
                "--config",
                str(config),
                "--chdir",
                str(tree),
                "--bind",
                f"127.0.0.1:{self.port}",
                *extra,
            ],
            cwd=tree,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn for {self.name} exited; see {self.log.name}")
            try:
                if httpx.get(self.url + "/accounts/login/", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn for {self.name} did not answer in {timeout} s")

    def cpu_seconds(self) -> float:
        """CPU time of the arbiter and its workers so far: the live workers' own, and that of
        workers already recycled (reaped by the arbiter, so counted in its children's time)."""
        total = 0.0
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            pids += [int(pid) for pid in children.read_text().split()]
        except OSError:
            pass
        for index, pid in enumerate(pids):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            own = int(fields[11]) + int(fields[12])
            reaped = int(fields[13]) + int(fields[14]) if index == 0 else 0
            total += (own + reaped) / os.sysconf("SC_CLK_TCK")
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


# --- Clients ----------------------------------------------------------------------------------


async def login(base: str, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False)
    page = await client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = await client.post(
        "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/accounts/login/"},
    )
    if response.status_code != 302:
        raise RuntimeError(f"{username} could not log in ({response.status_code})")
    client.headers["X-CSRFToken"] = client.cookies.get("csrftoken", "")
    client.headers["Referer"] = base + "/"
    return client


def filing(member: str, rng: random.Random) -> dict:
    others = [m for m in MEMBERS[:10] if m != member]
    return {
        "kind": "request",
        "priority": "routine",
        "subject": f"Load test consignment {rng.randrange(10**6)}",
        "body": "Please check the consignment and tell us what you find.",
        "recipients": rng.sample(others, 2),
        "container_numbers": ["CSQU3054383"],
    }


async def query_ids(client: httpx.AsyncClient) -> list[int]:
    body = (await client.get("/api/v1/queries/", params={"page_size": 50})).json()
    return [row["id"] for row in body.get("results", [])] or [0]


async def run_client(client, role, member, ids, deadline, budget, samples, rng):
    mix = FOCAL_MIX if role == "focal" else ANALYST_MIX
    names, weights = zip(*mix, strict=True)
    while time.monotonic() < deadline and budget["left"] > 0:
        budget["left"] -= 1
        name = rng.choices(names, weights)[0]
        if role == "focal" and rng.randrange(FILING_EVERY) == 0:
            name = "filing"
        began = time.perf_counter()
        try:
            if name == "inbox":
                response = await client.get("/queries/")
            elif name == "query page":
                response = await client.get(f"/queries/{rng.choice(ids)}/")
            elif name == "notifications API":
                response = await client.get("/api/v1/notifications/")
            elif name == "query API":
                response = await client.get("/api/v1/queries/")
            elif name == "filing":
                response = await client.post("/api/v1/queries/", json=filing(member, rng))
            elif name == "dashboard":
                response = await client.get("/seizures/")
            else:
                response = await client.get("/seizures/reports/")
            # A redirect is a failure too: the answer is the page asked for, not a way to it
            # (the second factor's, the login's).
            ok = response.status_code < 300
        except httpx.HTTPError:
            ok = False
        samples.append((name, time.perf_counter() - began, ok))


async def users(base: str) -> list[tuple]:
    clients = []
    for member in MEMBERS:
        for role in ("focal", "analyst"):
            try:
                client = await login(base, f"{role}.{member.lower()}")
            except RuntimeError:
                continue
            ids = await query_ids(client) if role == "focal" else []
            clients.append((client, role, member, ids))
    return clients


async def measure(base: str, clients: int, duration: float, max_requests: int, seed: int):
    logged_in = await users(base)
    chosen = (logged_in * (1 + clients // max(1, len(logged_in))))[:clients]
    samples: list[tuple] = []
    budget = {"left": max_requests}
    rng = random.Random(seed)
    began = time.monotonic()
    deadline = began + duration
    await asyncio.gather(
        *(
            run_client(c, role, member, ids, deadline, budget, samples, random.Random(rng.random()))
            for c, role, member, ids in chosen
        )
    )
    elapsed = time.monotonic() - began
    for client, *_ in logged_in:
        await client.aclose()
    return samples, elapsed


async def seed_volume(base: str, queries: int, reports: int) -> None:
    """Urgent queries and seizure reports through the server's own API (fresh databases)."""
    rng = random.Random(1)
    for member in MEMBERS:
        try:
            client = await login(base, f"focal.{member.lower()}")
        except RuntimeError:
            continue
        try:
            for _ in range(queries // len(MEMBERS)):
                await client.post("/api/v1/queries/", json=filing(member, rng))
            per_member = reports // len(MEMBERS)
            if per_member:
                content = import_csv(member, per_member, rng)
                response = await client.post(
                    "/api/v1/seizures/import/",
                    files={"file": ("load.csv", content, "text/csv")},
                    timeout=300,
                )
                if response.status_code != 201:
                    print(f"  import for {member}: {response.status_code} {response.text[:200]}")
        finally:
            await client.aclose()


def import_csv(member: str, rows: int, rng: random.Random) -> bytes:
    columns = [
        "reference",
        "seized_on",
        "member",
        "control_unit",
        "commodity",
        "quantity",
        "unit",
        "transport_mode",
        "origin_country",
        "destination_country",
        "container_number",
        "concealment",
        "detection_method",
        "persons_detained",
        "operation",
        "sharing",
    ]
    pairs = [("heroin", "kg"), ("cigarettes", "pieces"), ("pregabalin", "pills"), ("opium", "g")]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for i in range(rows):
        commodity, unit = pairs[i % len(pairs)]
        writer.writerow(
            [
                f"LOAD-{member}-{i:06d}",
                f"{2020 + i % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                member,
                "",
                commodity,
                rng.randint(1, 10_000),
                unit,
                ["sea-container", "road", "rail", "air-cargo"][i % 4],
                rng.choice(["AF", "CN", "IR", "PK", "TR"]),
                rng.choice(["KZ", "UZ", "RU", "TR", "AZ"]),
                "",
                "",
                ["x-ray", "canine", "profiling", ""][i % 4],
                i % 3,
                "",
                "national" if i % 4 == 0 else "network",
            ]
        )
    return buffer.getvalue().encode()


# --- Report -----------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def summarise(name, round_no, samples, elapsed, cpu_seconds=0.0) -> dict:
    times = [t for _n, t, _ok in samples]
    return {
        "cpu_ms": cpu_seconds * 1000 / len(samples) if samples else 0,
        "tree": name,
        "round": round_no,
        "requests": len(samples),
        "errors": sum(1 for *_x, ok in samples if not ok),
        "rps": len(samples) / elapsed if elapsed else 0,
        "p50": statistics.median(times) * 1000 if times else 0,
        "p95": percentile(times, 0.95) * 1000,
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", default=[], help="name=path (repeatable)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=40, help="seconds per round")
    parser.add_argument("--max-requests", type=int, default=8000, help="per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warm-up", type=float, default=5, help="seconds, not counted")
    parser.add_argument("--seed-queries", type=int, default=500)
    parser.add_argument("--seed-reports", type=int, default=20_000)
    parser.add_argument("--db-prefix", default="iren_perf_load")
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument(
        "--gunicorn-args",
        action="append",
        default=[],
        metavar="NAME=ARGS",
        help='a server configuration to compare, e.g. sync4="--worker-class sync --workers 4 '
        '--threads 1" (repeatable; every tree is served under each)',
    )
    parser.add_argument(
        "--own-config",
        action="store_true",
        help="serve each tree under its own gunicorn.conf.py (default: this tree's, for all)",
    )
    args = parser.parse_args()
    trees = [t.split("=", 1) for t in (args.tree or [f"this={ROOT}"])]
    configurations = [
        (name, shlex.split(extra)) for name, extra in (c.split("=", 1) for c in args.gunicorn_args)
    ] or [("", [])]
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    servers: list[Server] = []
    try:
        for name, path in trees:
            tree = Path(path).resolve()
            database = f"{args.db_prefix}_{name}"
            env = server_env(
                tree,
                f"postgres://postgres@127.0.0.1:5432/{database}",
                f"redis://127.0.0.1:6379/{args.redis_db}",
            )
            print(f"[{name}] preparing {database} from {tree} ...", flush=True)
            needs_volume = prepare_database(database, tree, env)
            config = tree / "gunicorn.conf.py" if args.own_config else ROOT / "gunicorn.conf.py"
            for configuration, extra in configurations:
                label = f"{name}-{configuration}" if configuration else name
                server = Server(label, tree, env, config, out / f"gunicorn-{label}.log", extra)
                servers.append(server)
                server.wait_ready()
                if needs_volume:
                    print(f"[{name}] adding volume through the API ...", flush=True)
                    asyncio.run(seed_volume(server.url, args.seed_queries, args.seed_reports))
                    needs_volume = False
            statistics_refresh(database)
        results = []
        for round_no in range(1, args.rounds + 1):
            order = servers if round_no % 2 else list(reversed(servers))
            for server in order:
                asyncio.run(measure(server.url, args.clients, args.warm_up, 10**6, round_no))
                cpu_before, database_before = server.cpu_seconds(), postgres_cpu_seconds()
                samples, elapsed = asyncio.run(
                    measure(server.url, args.clients, args.duration, args.max_requests, round_no)
                )
                cpu = server.cpu_seconds() - cpu_before
                result = summarise(server.name, round_no, samples, elapsed, cpu)
                result["db_ms"] = (
                    (postgres_cpu_seconds() - database_before) * 1000 / len(samples)
                    if samples
                    else 0
                )
                results.append(result)
                print(
                    f"round {round_no} {server.name:8} {result['requests']:6} requests "
                    f"{result['errors']:4} errors {result['rps']:7.1f} req/s "
                    f"p50 {result['p50']:7.0f} ms p95 {result['p95']:7.0f} ms "
                    f"server CPU {result['cpu_ms']:5.1f} ms/request, "
                    f"PostgreSQL {result['db_ms']:5.1f}",
                    flush=True,
                )
    finally:
        for server in servers:
            server.stop()
    report = render(results, args, load=os.getloadavg())
    print()
    print(report)
    (out / "load.md").write_text(report + "\n")


def render(results, args, load) -> str:
    lines = [
        f"{args.clients} clients, {args.duration:.0f} s per round (at most "
        f"{args.max_requests} requests), rounds interleaved; load average at the end "
        f"{load[0]:.1f}.",
        "",
        "| Server | Round | Requests | Errors | Throughput (req/s) | p50 (ms) | p95 (ms) "
        "| gunicorn CPU (ms/request) | PostgreSQL CPU (ms/request) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['tree']} | {r['round']} | {r['requests']} | {r['errors']} | "
            f"{r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['cpu_ms']:.1f} | "
            f"{r.get('db_ms', 0):.1f} |"
        )
    lines += ["", "| Server | Request | Count | p50 (ms) | p95 (ms) |", "|---|---|---:|---:|---:|"]
    per: dict[tuple, list[float]] = defaultdict(list)
    for r in results:
        for name, seconds, _ok in r["samples"]:
            per[(r["tree"], name)].append(seconds * 1000)
    for (tree, name), times in sorted(per.items()):
        lines.append(
            f"| {tree} | {name} | {len(times)} | {statistics.median(times):.0f} | "
            f"{percentile(times, 0.95):.0f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
