"""Server-side render times of the main pages on the demo company.

Builds the demo (as `make run` does) into a fresh SQLite file, signs in as an admin, and
times each page through the app in this process (routing, queries, templates; no
network), printing the median and the slowest of several requests beside a page that
does nothing but answer, measured in the same run. The goal: the overview in ≤ 300 ms.

    .venv/bin/python bench/web.py [--customers 20000] [--repeat 7]
"""

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from kokemus.accounts.users import NewUser, create_user
from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.customers.models import Customer
from kokemus.demo.generate import CUSTOMERS, build_demo
from kokemus.store import Database
from kokemus.store.migrate import upgrade
from kokemus.surveys.models import Survey

PASSWORD = "bench-password-long-enough"


def sign_in(client: TestClient, email: str) -> None:
    form = client.get("/login", params={"lang": "en"}).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf
    answer = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf": csrf.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def timed(client: TestClient, path: str, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        page = client.get(path)
        times.append(time.perf_counter() - started)
        assert page.status_code == 200, (path, page.status_code)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=CUSTOMERS)
    parser.add_argument("--repeat", type=int, default=7)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path.cwd() / "var") as workdir:
        url = f"sqlite:///{Path(workdir) / 'web.sqlite3'}"
        database = Database(url)
        upgrade(database.engine)
        started = time.perf_counter()
        build_demo(database, customers=arguments.customers)
        print(f"demo built in {time.perf_counter() - started:.0f} s")
        with database.transaction() as session:
            create_user(
                session,
                NewUser(email="bench@example.com", role="admin", password=PASSWORD, language="en"),
            )
            # A store's manager: the overview's moments and stories are the store's own.
            manager = NewUser(
                email="store@example.com",
                role="manager",
                password=PASSWORD,
                language="fi",
                units=("store-jyvaskyla",),
            )
            create_user(session, manager)
            customer = session.scalars(select(Customer.id).order_by(Customer.id)).first()
            survey = session.scalars(select(Survey.id).order_by(Survey.id)).first()
        app = create_app(Settings(database_url=url), database)

        @app.get("/bench-nothing")
        def nothing() -> dict[str, bool]:
            return {"ok": True}

        with TestClient(app) as client:
            sign_in(client, "bench@example.com")
            baseline, _ = timed(client, "/bench-nothing", arguments.repeat * 3)
            print(f"a page that only answers: {baseline * 1000:.1f} ms")
            pages = [
                "/",
                "/?period=" + _a_quarter(client),
                "/feedback",
                "/feedback?sentiment=negative&theme=delivery_damage",
                "/stories",
                f"/customers/{customer}",
                "/journey",
                "/surveys",
                f"/surveys/{survey}/responses",
            ]
            for path in pages:
                median, slowest = timed(client, path, arguments.repeat)
                print(
                    f"  {path}: median {median * 1000:.0f} ms, slowest {slowest * 1000:.0f} ms "
                    f"({median / baseline:.0f}x the empty page)"
                )
        with TestClient(app) as client:
            sign_in(client, "store@example.com")
            for path in ("/", "/feedback", "/stories", "/cases"):
                median, slowest = timed(client, path, arguments.repeat)
                print(
                    f"  {path} (a store's manager): median {median * 1000:.0f} ms, "
                    f"slowest {slowest * 1000:.0f} ms ({median / baseline:.0f}x the empty page)"
                )
        database.dispose()


def _a_quarter(client: TestClient) -> str:
    """The quarter of the month the overview opens at."""
    page = client.get("/").text
    found = re.search(r'<option value="(\d{4})-(\d{2})" selected>', page)
    assert found, "the overview names no month"
    return f"{found.group(1)}-Q{(int(found.group(2)) - 1) // 3 + 1}"


if __name__ == "__main__":
    main()
