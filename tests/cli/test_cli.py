import gzip
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import orjson
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from kokemus.cli.main import cli
from kokemus.customers.models import Customer, Merge
from kokemus.ingest.models import Event
from kokemus.store import Database
from tests.live_server import free_port


def run(database_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--database-url", database_url, *args], catch_exceptions=False)


def events(database: Database) -> int:
    with database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Event)) or 0)


def write_jsonl(path: Path, lines: list[object]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    return path


def test_sources_and_tokens_print_their_secret_once(database_url: str) -> None:
    created = run(database_url, "sources", "create", "webshop", "--kind", "shop")
    token = run(database_url, "tokens", "create", "etl", "--scope", "write")

    assert created.exit_code == 0
    assert created.output.splitlines()[-1].startswith("src_")
    assert token.output.splitlines()[-1].startswith("kk_")
    listed = (
        run(database_url, "sources", "list").output + run(database_url, "tokens", "list").output
    )
    assert "webshop" in listed
    assert "etl\twrite\tactive" in listed
    assert created.output.splitlines()[-1] not in listed
    duplicate = run(database_url, "sources", "create", "webshop")
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output
    bad_scope = run(database_url, "tokens", "create", "x", "--scope", "root")
    assert bad_scope.exit_code == 2


def test_journey_load_show_and_unmapped(database_url: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nstages:\n- key: Bad Key\n  name: S\n")

    refused = run(database_url, "journey", "load", str(broken))
    assert refused.exit_code == 1
    assert "stages[0].key: String should match pattern" in refused.output

    shown = run(database_url, "journey", "show").output
    assert "stages: []" in shown

    from kokemus.journeys.service import default_journey_text

    good = tmp_path / "journey.yaml"
    good.write_text(default_journey_text())
    loaded = run(database_url, "journey", "load", str(good))
    assert loaded.exit_code == 0
    assert "7 stages, 15 touchpoints" in loaded.output
    assert "key: home-delivery" in run(database_url, "journey", "show").output
    assert "Every event name maps" in run(database_url, "journey", "unmapped").output


def test_import_jsonl_is_idempotent_and_writes_rejects(
    database_url: str, database: Database, tmp_path: Path
) -> None:
    run(database_url, "sources", "create", "shop")
    run(database_url, "sources", "create", "carrier")
    file = write_jsonl(
        tmp_path / "events.jsonl",
        [
            {
                "type": "track",
                "event": "Order Completed",
                "userId": "C1",
                "messageId": "1",
                "context": {"traits": {"email": "a@example.fi"}},
            },
            {"type": "track", "userId": "C2", "messageId": "2"},
            {
                "type": "track",
                "event": "Order Delivered",
                "userId": "O1",
                "messageId": "3",
                "source": "carrier",
                "context": {"traits": {"email": "a@example.fi"}},
            },
            {"type": "track", "event": "X", "userId": "C3", "messageId": "4", "source": "erp"},
        ],
    )
    with file.open("ab") as out:
        out.write(b"{not json\n")

    first = run(database_url, "import", "events", str(file), "--source", "shop")

    assert first.exit_code == 1
    assert "2 stored, 0 already stored, 3 rejected; 1 new customers" in first.output
    rejects = [
        json.loads(line)
        for line in (tmp_path / "events.jsonl.rejects.jsonl").read_text().splitlines()
    ]
    assert [(r["row"], r["field"]) for r in rejects] == [(2, "event"), (4, "source"), (5, "")]
    assert rejects[0]["input"].startswith("{")
    assert rejects[2]["input"] == "{not json"

    good = write_jsonl(tmp_path / "good.jsonl", [json.loads(file.read_text().splitlines()[0])])
    again = run(database_url, "import", "events", str(good), "--source", "shop")
    assert again.exit_code == 0
    assert "0 stored, 1 already stored, 0 rejected" in again.output
    assert events(database) == 2


def test_import_csv_with_column_mapping_and_gzip(
    database_url: str, database: Database, tmp_path: Path
) -> None:
    run(database_url, "sources", "create", "pos")
    csv_text = (
        "Email,event,userId,Total,messageId,timestamp,properties.store\n"
        'liisa@example.fi,Store Purchase,P1,"49,90",r1,2026-03-01T10:00:00+02:00,Tampere\n'
        "LIISA@example.fi,Store Purchase,P2,19.90,r2,2026-03-02T10:00:00+02:00,Tampere\n"
        "broken-email,Store Purchase,P3,5,r3,,Tampere\n"
        "x@example.fi,Store Purchase,P4,not-a-number,r4,,Tampere\n"
    )
    path = tmp_path / "pos.csv.gz"
    path.write_bytes(gzip.compress(csv_text.encode()))

    result = run(
        database_url,
        "import",
        "events",
        str(path),
        "--source",
        "pos",
        "--map",
        "Email=context.traits.email",
        "--map",
        "Total=properties.total:float",
        "--type",
        "track",
    )

    assert result.exit_code == 1, result.output
    assert "2 stored" in result.output
    rejects = [
        json.loads(line)
        for line in (tmp_path / "pos.csv.gz.rejects.jsonl").read_text().splitlines()
    ]
    assert [(r["row"], r["field"]) for r in rejects] == [(4, "context.traits.email"), (5, "")]
    assert "Total" in rejects[1]["error"]
    with database.transaction() as session:
        totals = sorted((e.properties or {})["total"] for e in session.scalars(select(Event)))
        assert session.scalar(select(func.count()).select_from(Customer)) == 1
    assert totals == [19.9, 49.9]


def test_usage_errors_exit_2(database_url: str, tmp_path: Path) -> None:
    file = write_jsonl(tmp_path / "e.jsonl", [{"type": "track", "event": "X", "userId": "u"}])
    assert run(database_url, "import", "events", str(file), "--source", "nope").exit_code == 2
    assert run(database_url, "import", "events", str(tmp_path / "missing.jsonl")).exit_code == 2
    assert run(database_url, "import", "events", str(file), "--map", "nonsense").exit_code == 2
    weird = tmp_path / "e.xml"
    weird.write_text("<x/>")
    assert run(database_url, "import", "events", str(weird)).exit_code == 2


def test_customers_show_and_unmerge(database_url: str, database: Database, tmp_path: Path) -> None:
    run(database_url, "sources", "create", "web")
    file = write_jsonl(
        tmp_path / "e.jsonl",
        [
            {
                "type": "page",
                "name": "Home",
                "anonymousId": "a1",
                "messageId": "1",
                "timestamp": "2026-01-01T10:00:00Z",
            },
            {
                "type": "track",
                "event": "Order Completed",
                "userId": "U1",
                "messageId": "2",
                "context": {"traits": {"email": "kaisa@example.fi"}},
                "timestamp": "2026-01-02T10:00:00Z",
            },
            {
                "type": "identify",
                "userId": "U1",
                "anonymousId": "a1",
                "messageId": "3",
                "traits": {"name": "Kaisa"},
                "timestamp": "2026-01-03T10:00:00Z",
            },
        ],
    )
    assert run(database_url, "import", "events", str(file), "--source", "web").exit_code == 0

    shown = run(database_url, "customers", "show", "Kaisa@example.fi")
    assert shown.exit_code == 0
    assert "name: Kaisa" in shown.output
    assert "Merge 1:" in shown.output
    assert shown.output.index("Order Completed") < shown.output.index("Home")
    as_json = json.loads(
        run(database_url, "customers", "show", "kaisa@example.fi", "--json").output
    )
    assert len(as_json["identities"]) == 3

    undone = run(database_url, "customers", "unmerge", "1", "--reason", "shared laptop")
    assert undone.exit_code == 0
    with database.transaction() as session:
        merge = session.get(Merge, 1)
        assert merge is not None
        assert merge.undo_reason == "shared laptop"
    logged = run(database_url, "audit", "list").output
    assert "customer.unmerge" in logged
    assert "command line" in logged
    assert "Home" not in run(database_url, "customers", "show", "kaisa@example.fi").output
    assert run(database_url, "customers", "unmerge", "1", "--reason", "again").exit_code == 1
    assert run(database_url, "customers", "show", "nobody@example.fi").exit_code == 1


def test_serve_with_demo_migrates_loads_and_serves(tmp_path: Path) -> None:
    """What `make run` does, in a real process on a fresh SQLite file."""
    port = free_port()
    env = {
        **os.environ,
        "KOKEMUS_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'k.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "kokemus.cli", "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        printed = _lines_until("Kokemus is running", process)
        credentials = re.search(r"Sign in as (\S+) with the password (\S+) ", printed)
        assert credentials, printed
        _wait_for(f"http://127.0.0.1:{port}/login", process)
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}") as browser:
            form = browser.get("/login").text
            token = re.search(r'name="csrf" value="([^"]+)"', form)
            assert token
            email, password = credentials.groups()
            data = {"email": email, "password": password, "csrf": token.group(1)}
            browser.post("/login", data=data, follow_redirects=True)
            page = browser.get("/").text
        assert "Home delivery" in page
        assert "<dd>0</dd>" not in page
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert f"open http://127.0.0.1:{port}/" in printed


def _lines_until(marker: str, process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or marker not in lines[-1]:
        line = process.stdout.readline()
        if not line:
            pytest.fail(f"kokemus serve exited: {''.join(lines)}")
        lines.append(line)
    return "".join(lines)


def _wait_for(url: str, process: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"kokemus serve exited: {process.stdout.read() if process.stdout else ''}")
        try:
            return httpx2.get(url, timeout=2).text
        except httpx2.TransportError:
            time.sleep(0.2)
    pytest.fail("kokemus serve did not answer within 60 s")


def test_rotating_a_write_key_stops_the_old_one(database_url: str, database: Database) -> None:
    from kokemus.ingest.sources import source_for_write_key

    old = run(database_url, "sources", "create", "shop").output.splitlines()[-1]
    rotated = run(database_url, "sources", "rotate-key", "shop")
    new = rotated.output.splitlines()[-1]

    assert rotated.exit_code == 0
    assert new.startswith("src_")
    assert new != old
    with database.transaction() as session:
        assert source_for_write_key(session, old) is None
        assert source_for_write_key(session, new) is not None
    assert run(database_url, "sources", "disable", "shop").exit_code == 0
    with database.transaction() as session:
        assert source_for_write_key(session, new) is None
    assert "(disabled)" in run(database_url, "sources", "list").output
    assert run(database_url, "sources", "rotate-key", "nope").exit_code == 1


def test_a_revoked_token_no_longer_opens_the_api(database_url: str, database: Database) -> None:
    from kokemus.accounts.service import Unauthorized, authenticate

    token = run(database_url, "tokens", "create", "etl", "--scope", "admin").output.splitlines()[-1]
    with database.transaction() as session:
        assert authenticate(session, token, "read").name == "etl"

    assert run(database_url, "tokens", "revoke", "etl").exit_code == 0

    with pytest.raises(Unauthorized), database.transaction() as session:
        authenticate(session, token, "read")
    assert "etl\tadmin\trevoked" in run(database_url, "tokens", "list").output
    assert run(database_url, "tokens", "revoke", "nobody").exit_code == 1


def test_db_upgrade_and_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert "(empty) (needs `kokemus db upgrade`)" in run(url, "db", "current").output
    assert run(url, "db", "upgrade").exit_code == 0
    assert "(current)" in run(url, "db", "current").output
