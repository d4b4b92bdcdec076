"""The analyst dashboard at scale, uncached, through gunicorn: one analyst alone and several
analysts at once, for one or more code trees side by side (rounds interleaved).

How to run (PostgreSQL and Redis on 127.0.0.1; each tree gets its own database, loaded once
with that tree's own ``bench/bench_seizures.py`` loader and the same seed, and kept):

    git worktree add /tmp/before 4b17f0f          # the tree to compare with (optional)
    .venv/bin/python bench/bench_dashboard.py --tree before=/tmp/before --tree after=. \\
        [--rows 1000000] [--requests 30] [--concurrent 8] [--per-client 5] [--rounds 2]

What it does, for each tree:
1. loads ``--rows`` synthetic seizure reports into ``<--db-prefix>_<name>`` by COPY and
   rebuilds the pre-aggregated totals (skipped when the reports are already there);
2. starts gunicorn with this tree's ``gunicorn.conf.py`` (the shipped configuration, the same
   for every tree), DEBUG off, Redis db ``--redis-db``, and ``DASHBOARD_CACHE_SECONDS=0`` so
   every request computes and renders the charts;
3. logs the bench's analyst of KZ in, then times ``GET /seizures/`` ``--requests`` times in a
   row (one analyst alone), and ``--concurrent`` analysts at once, ``--per-client`` requests
   each.

Prints p50/p95 (and the slowest) per tree and round as Markdown, also written to
bench/out/dashboard.md. Only 127.0.0.1 is contacted; the servers are stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import PYTHON, Server, server_env  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
USERNAME, PASSWORD = "bench.analyst.kz", "bench-password-1"  # made by bench_seizures.setup

LOADER = """
import sys
sys.argv = ["bench_seizures"]
sys.path.insert(0, "bench")
import bench_seizures as bench
from django.db import connection
from seizures.models import SeizureTotal
from seizures.totals import totals_rebuild
analyst, members = bench.setup()
loaded = bench.load(int(ROWS), members, reload=False)
if loaded is not None or not SeizureTotal.objects.exists():
    totals_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE seizures_seizuretotal; ANALYZE seizures_seizureroutetotal")
"""


def load(tree: Path, database_url: str, rows: int) -> None:
    env = {**os.environ, "BENCH_DATABASE_URL": database_url, "PYTHONPATH": str(tree)}
    began = time.perf_counter()
    subprocess.run(
        [PYTHON, "-c", LOADER.replace("int(ROWS)", str(rows))], cwd=tree, env=env, check=True
    )
    print(f"  {tree}: data ready in {time.perf_counter() - began:.0f} s", flush=True)


async def login(base: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=120, follow_redirects=False)
    page = await client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = await client.post(
        "/accounts/login/",
        data={"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/accounts/login/"},
    )
    if response.status_code != 302:
        raise RuntimeError(f"{USERNAME} could not log in ({response.status_code})")
    return client


async def timed(client: httpx.AsyncClient, sizes: list[int]) -> float:
    began = time.perf_counter()
    response = await client.get("/seizures/")
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"/seizures/ answered {response.status_code}")
    sizes.append(len(response.content))
    return elapsed


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


async def one_round(server: Server, requests: int, concurrent: int, per_client: int) -> dict:
    sizes: list[int] = []
    alone_client = await login(server.url)
    await timed(alone_client, sizes)  # warm-up
    alone = [await timed(alone_client, sizes) for _ in range(requests)]
    await alone_client.aclose()
    clients = [await login(server.url) for _ in range(concurrent)]

    async def analyst(client):
        return [await timed(client, sizes) for _ in range(per_client)]

    together = [t for times in await asyncio.gather(*map(analyst, clients)) for t in times]
    for client in clients:
        await client.aclose()
    return {
        "alone": (statistics.median(alone), p95(alone), max(alone)),
        "together": (statistics.median(together), p95(together), max(together)),
        "kb": statistics.median(sizes) / 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", default=[], help="NAME=PATH (repeatable)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30, help="one analyst, in a row")
    parser.add_argument("--concurrent", type=int, default=8, help="analysts at once")
    parser.add_argument("--per-client", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--db-prefix", default="iren_bench_dash")
    parser.add_argument("--redis-db", type=int, default=13)
    args = parser.parse_args()
    trees = [
        (name, Path(path).resolve())
        for name, path in (spec.split("=", 1) for spec in args.tree or ["main=."])
    ]
    config = ROOT / "gunicorn.conf.py"
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    servers = []
    try:
        for name, tree in trees:
            database_url = f"postgres://postgres@127.0.0.1:5432/{args.db_prefix}_{name}"
            load(tree, database_url, args.rows)
            env = server_env(tree, database_url, f"redis://127.0.0.1:6379/{args.redis_db}")
            env["DASHBOARD_CACHE_SECONDS"] = "0"
            server = Server(name, tree, env, config, out / f"dashboard-{name}.log")
            servers.append(server)
        for server in servers:
            server.wait_ready()
        lines = [
            f"Dashboard uncached (`GET /seizures/`, `DASHBOARD_CACHE_SECONDS=0`), {args.rows:,} "
            f"reports, gunicorn ({config.name}), {os.cpu_count()} cores, load average "
            f"{os.getloadavg()[0]:.1f} at the start.",
            "",
            "| tree | round | KB | alone p50 / p95 / max (ms) "
            f"| {args.concurrent} at once p50 / p95 / max (ms) |",
            "|---|---:|---:|---:|---:|",
        ]
        for round_number in range(args.rounds):
            order = servers if round_number % 2 == 0 else list(reversed(servers))
            for server in order:
                figures = asyncio.run(
                    one_round(server, args.requests, args.concurrent, args.per_client)
                )
                alone, together = figures["alone"], figures["together"]
                line = (
                    f"| {server.name} | {round_number + 1} | {figures['kb']:.0f} | "
                    + " / ".join(f"{v:,.0f}" for v in alone)
                    + " | "
                    + " / ".join(f"{v:,.0f}" for v in together)
                    + " |"
                )
                print(line, flush=True)
                lines.append(line)
        lines.append(f"\nLoad average at the end: {os.getloadavg()[0]:.1f}.")
        report = "\n".join(lines)
        print("\n" + report)
        (out / "dashboard.md").write_text(report + "\n")
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
