"""Survey answers through the public page under concurrent load, on SQLite.

Starts `kokemus serve` on a fresh SQLite store with a published six-question survey (stars,
expectation, NPS, CES, a choice and a comment, on one page), and wrk posting complete
answers the way the page's form does; then, as the ceiling, the same stack (FastAPI on
uvicorn, the same workers) with a no-op endpoint that reads the form and answers 303.
Prints responses per second and latency percentiles for both, and the ratio.

    .venv/bin/python bench/survey_submit.py [--seconds 10] [--connections 32] [--workers 2]

wrk runs on the same machine and takes part of its cores (one thread by default).
The anonymous links' per-address limit is lifted for the run (all load comes from one
address), and every answer carries a different comment, so none is a duplicate.
"""

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select

from kokemus.journeys.service import default_journey_text, load_journey, parse_journey
from kokemus.store import Database
from kokemus.store.migrate import upgrade
from kokemus.surveys import service
from kokemus.surveys.definition import load_definition_text
from kokemus.surveys.models import Answer, Response

SURVEY = """
key: bench
languages: [fi, en]
title: {fi: Toimitus, en: Delivery}
touchpoint: home-delivery
questions:
  - {key: stars, type: rating, required: true, text: {fi: Tähdet, en: Stars}}
  - {key: expect, type: expectation, text: {fi: Odotukset, en: Expectations}}
  - {key: nps, type: nps, text: {fi: Suosittelisitko, en: Recommend}}
  - {key: effort, type: ces, text: {fi: Vaivattomuus, en: Effort}}
  - key: condition
    type: single_choice
    text: {fi: Kunto, en: Condition}
    options:
      - {key: intact, text: {fi: Ehjä, en: Intact}}
      - {key: damaged, text: {fi: Rikki, en: Damaged}}
  - {key: comment, type: text, text: {fi: Kerro lisää, en: Tell us more}}
"""

# wrk's script: a different, complete answer every request, as the form would post it.
WRK_SCRIPT = """
counter = 0
local conditions = {"intact", "damaged"}
request = function()
  counter = counter + 1
  local body = "p=0&lang=fi&website=&nav=next"
    .. "&q.stars=" .. math.random(1, 5)
    .. "&q.expect=" .. math.random(1, 5)
    .. "&q.nps=" .. math.random(0, 10)
    .. "&q.effort=" .. math.random(1, 7)
    .. "&q.condition=" .. conditions[math.random(1, 2)]
    .. "&q.comment=Toimitus+oli+" .. counter .. "+" .. math.random(1, 1000000000)
  return wrk.format("POST", nil,
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
"""


def noop_app() -> FastAPI:
    app = FastAPI()

    @app.post("/s/{public_id}")
    async def answer(public_id: str, request: Request) -> RedirectResponse:
        await request.body()
        return RedirectResponse(f"/s/{public_id}/thanks", status_code=303)

    return app


def prepare(path: Path) -> str:
    database = Database(f"sqlite:///{path}")
    upgrade(database.engine)
    text = default_journey_text()
    with database.transaction() as session:
        load_journey(session, parse_journey(text), text)
        survey = service.create_survey(session, load_definition_text(SURVEY))
        service.publish(session, survey)
        public_id = survey.public_id
    database.dispose()
    return public_id


def start(command: list[str], port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            httpx2.get(f"http://127.0.0.1:{port}/docs", timeout=1)
            return server
        except httpx2.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"the server on port {port} did not start")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=30)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def cpu_seconds(root: int) -> float:
    """User and system CPU of a process and all its descendants, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return total


def wrk(url: str, seconds: int, connections: int, threads: int, script: Path) -> dict[str, float]:
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures = {"rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}  # type: ignore[union-attr]
    for percentile in ("50", "90", "99"):
        found = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        assert found, output
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]
        figures[f"p{percentile}"] = float(found.group(1)) * scale
    done = re.search(r"(\d+) requests in", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["requests"] = float(done.group(1)) if done else 0.0
    figures["errors"] = float(errors.group(1)) if errors else 0.0
    return figures


def measure(
    command: list[str], path: str, args: argparse.Namespace, env: dict[str, str], script: Path
) -> dict[str, float]:
    """Start a server (its port appended), warm it up for 2 s, then load it; its figures."""
    port = free_port()
    if "--serve-noop" in command:
        server = start([*command, str(port)], port, env)
    else:
        server = start([*command, "--port", str(port)], port, env)
    url = f"http://127.0.0.1:{port}{path}"
    try:
        wrk(url, 2, args.connections, args.wrk_threads, script)
        before = cpu_seconds(server.pid)
        figures = wrk(url, args.seconds, args.connections, args.wrk_threads, script)
        figures["cpu_ms"] = (cpu_seconds(server.pid) - before) * 1000 / figures["requests"]
    finally:
        stop(server)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--serve-noop", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_noop:
        uvicorn.run(
            "survey_submit:noop_app",
            factory=True,
            app_dir=str(Path(__file__).parent),
            port=args.serve_noop,
            workers=args.workers,
            log_level="warning",
        )
        return
    if shutil.which("wrk") is None:
        sys.exit("needs wrk (Debian package 'wrk')")

    workdir = Path(tempfile.mkdtemp(prefix="kokemus-bench-"))
    store = workdir / f"survey-{secrets.token_hex(3)}.sqlite3"
    public_id = prepare(store)
    script = workdir / "answers.lua"
    script.write_text(WRK_SCRIPT)
    kokemus = str(Path(sys.executable).parent / "kokemus")
    env = {
        **os.environ,
        "KOKEMUS_DATABASE_URL": f"sqlite:///{store}",
        "KOKEMUS_SURVEY_RATE_LIMIT": "100000000/minute",
    }
    print(f"{args.workers} server workers, {args.connections} connections, {args.seconds} s each")

    kokemus_serve = [
        kokemus,
        "serve",
        "--no-migrate",
        "--no-scheduler",
        "--workers",
        str(args.workers),
    ]
    survey = measure(kokemus_serve, f"/s/{public_id}", args, env, script)
    noop_serve = [sys.executable, __file__, "--workers", str(args.workers), "--serve-noop"]
    ceiling = measure(noop_serve, "/s/x", args, env, script)

    database = Database(f"sqlite:///{store}")
    with database.transaction() as session:
        stored = session.scalar(select(func.count()).select_from(Response).where(Response.complete))
        answers = session.scalar(select(func.count()).select_from(Answer))
    database.dispose()
    shutil.rmtree(workdir)

    for name, figures in (("survey answers", survey), ("no-op endpoint", ceiling)):
        print(
            f"{name:>15}: {figures['rate']:8.0f} responses/s   p50 {figures['p50']:6.2f} ms"
            f"   p90 {figures['p90']:6.2f} ms   p99 {figures['p99']:6.2f} ms"
            f"   server CPU {figures['cpu_ms']:.3f} ms/request"
            f"   ({figures['requests']:.0f} requests, {figures['errors']:.0f} errors)"
        )
    print(f"ratio to the no-op endpoint: {survey['rate'] / ceiling['rate']:.2f}")
    print(f"stored: {stored} complete responses, {answers} answer rows")


if __name__ == "__main__":
    main()
