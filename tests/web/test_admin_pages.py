"""Admin pages: sources, API tokens and users; admins only, CSRF on every post, audited."""

import re
from collections.abc import Iterator

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kokemus.accounts.models import User, UserUnit
from kokemus.accounts.service import authenticate
from kokemus.app import create_app
from kokemus.audit.models import AuditEntry
from kokemus.config import Settings
from kokemus.errors import DomainError
from kokemus.ingest.models import Source
from kokemus.ingest.sources import source_for_write_key
from kokemus.store import Database
from kokemus.web.security import POLICY
from tests.accounts.helpers import PASSWORD, add_user
from tests.factories import add_source, add_token, load_default_journey
from tests.web.conftest import MakeClient
from tests.web.helpers import assert_no_inline_script, csrf_of, sign_in

ADMIN_PAGES = ("/admin/sources", "/admin/tokens", "/admin/users")
POSTS = {
    "/admin/sources": {"name": "crm", "kind": "crm"},
    "/admin/sources/rotate": {"name": "shop"},
    "/admin/sources/disable": {"name": "shop"},
    "/admin/tokens": {"name": "reports", "scope": "read"},
    "/admin/tokens/revoke": {"name": "existing"},
    "/admin/users": {"email": "new@example.com", "role": "analyst", "password": PASSWORD},
    "/admin/users/disable": {"email": "other@example.com"},
}


def secret_on(page: httpx2.Response) -> str:
    found = re.search(r"<code>([^<]+)</code>", page.text)
    assert found, page.text
    return found.group(1)


def audit(database: Database) -> list[tuple[str, str | None, int | None]]:
    with database.transaction() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.action, e.target, e.user_id) for e in entries if e.action != "user.sign_in"]


@pytest.fixture
def admin(make_client: MakeClient, store: Database) -> TestClient:
    load_default_journey(store)
    add_user(store, "admin@example.com", role="admin")
    client = make_client()
    sign_in(client, "admin@example.com")
    return client


def admin_id(database: Database) -> int:
    with database.transaction() as session:
        found = session.scalar(select(User.id).where(User.email == "admin@example.com"))
        assert found is not None
        return found


@pytest.mark.parametrize("role", ["analyst", "manager", "frontline", "partner"])
def test_only_admins_see_or_change_anything_here(
    make_client: MakeClient, store: Database, role: str
) -> None:
    load_default_journey(store)
    add_source(store, "shop")
    add_token(store, "existing", scope="read")
    add_user(store, "other@example.com", role="analyst")
    units = {"analyst": [], "manager": ["store"], "frontline": ["store"], "partner": ["carrier"]}
    add_user(store, "someone@example.com", role=role, units=units[role])
    client = make_client()
    sign_in(client, "someone@example.com")
    home = client.get("/")
    assert 'href="/admin/users"' not in home.text
    for path in ADMIN_PAGES:
        page = client.get(path)
        assert page.status_code == 403
        assert "This page is outside your role or units." in page.text
    for path, data in POSTS.items():
        assert client.post(path, data={**data, "csrf": csrf_of(home)}).status_code == 403
    assert audit(store) == [("user.create", "other@example.com", None)] + [
        ("user.create", "someone@example.com", None)
    ]


def test_every_admin_post_needs_the_csrf_token(admin: TestClient, store: Database) -> None:
    add_source(store, "shop")
    add_token(store, "existing", scope="read")
    add_user(store, "other@example.com", role="analyst")
    before = audit(store)
    for path, data in POSTS.items():
        for csrf in ({}, {"csrf": "guessed"}):
            refused = admin.post(path, data={**data, **csrf})
            assert refused.status_code == 403, path
            assert "The form has expired" in refused.text
    assert audit(store) == before
    with store.transaction() as session:
        assert session.scalar(select(Source.disabled_at).where(Source.name == "shop")) is None


def test_sources_create_shows_the_key_once_rotate_and_disable(
    admin: TestClient, store: Database
) -> None:
    page = admin.get("/admin/sources")
    assert page.status_code == 200
    assert "No sources yet." in page.text
    csrf = csrf_of(page)
    created = admin.post("/admin/sources", data={"csrf": csrf, "name": "shop", "kind": "shop"})
    assert created.status_code == 200
    key = secret_on(created)
    assert "Copy it now: it is not shown again." in created.text
    assert key not in admin.get("/admin/sources").text
    with store.transaction() as session:
        source = source_for_write_key(session, key)
        assert source is not None
        assert source.kind == "shop"

    taken = admin.post("/admin/sources", data={"csrf": csrf, "name": "shop"})
    assert taken.status_code == 409
    assert "already exists" in taken.text

    rotated = admin.post("/admin/sources/rotate", data={"csrf": csrf, "name": "shop"})
    new_key = secret_on(rotated)
    assert new_key != key
    with store.transaction() as session:
        assert source_for_write_key(session, key) is None
        assert source_for_write_key(session, new_key) is not None

    disabled = admin.post("/admin/sources/disable", data={"csrf": csrf, "name": "shop"})
    assert disabled.status_code == 200
    assert "Source shop disabled." in disabled.text
    assert "<td>disabled</td>" in disabled.text
    with store.transaction() as session:
        assert source_for_write_key(session, new_key) is None
    me = admin_id(store)
    assert audit(store) == [
        ("user.create", "admin@example.com", None),
        ("source.create", "shop", me),
        ("source.rotate_key", "shop", me),
        ("source.disable", "shop", me),
    ]


def test_a_rotated_key_stops_working_on_the_api_at_once(admin: TestClient) -> None:
    csrf = csrf_of(admin.get("/admin/sources"))
    key = secret_on(admin.post("/admin/sources", data={"csrf": csrf, "name": "shop"}))
    body = {"type": "track", "event": "Home", "userId": "u1", "messageId": "m1"}
    assert admin.post("/v1/track", json=body, auth=(key, "")).status_code == 200
    admin.post("/admin/sources/rotate", data={"csrf": csrf, "name": "shop"})
    assert (
        admin.post("/v1/track", json={**body, "messageId": "m2"}, auth=(key, "")).status_code == 401
    )


def test_tokens_create_shows_the_token_once_and_revoke(admin: TestClient, store: Database) -> None:
    csrf = csrf_of(admin.get("/admin/tokens"))
    created = admin.post("/admin/tokens", data={"csrf": csrf, "name": "reports", "scope": "read"})
    assert created.status_code == 200
    token = secret_on(created)
    with store.transaction() as session:
        assert authenticate(session, token, "read").name == "reports"
    listed = admin.get("/admin/tokens")
    assert token not in listed.text
    assert '<th scope="row">reports</th>' in listed.text
    bad = admin.post("/admin/tokens", data={"csrf": csrf, "name": "x", "scope": "everything"})
    assert bad.status_code == 422
    assert "scope: must be one of read, write, admin" in bad.text
    revoked = admin.post("/admin/tokens/revoke", data={"csrf": csrf, "name": "reports"})
    assert "Token reports revoked." in revoked.text
    with store.transaction() as session, pytest.raises(DomainError):
        authenticate(session, token, "read")
    me = admin_id(store)
    assert audit(store)[1:] == [("token.create", "reports", me), ("token.revoke", "reports", me)]


def test_users_create_with_role_and_units_then_disable(
    admin: TestClient, make_client: MakeClient, store: Database
) -> None:
    csrf = csrf_of(admin.get("/admin/users"))
    form = {
        "csrf": csrf,
        "email": "Kalle@Example.com",
        "display_name": "Kalle Kuski",
        "role": "partner",
        "language": "fi",
        "units": ["carrier"],
        "password": PASSWORD,
    }
    created = admin.post("/admin/users", data=form)
    assert created.status_code == 200
    assert "User kalle@example.com created." in created.text
    assert '<th scope="row">kalle@example.com</th>' in created.text
    with store.transaction() as session:
        user = session.scalars(select(User).where(User.email == "kalle@example.com")).one()
        assert (user.role, user.language, user.display_name) == ("partner", "fi", "Kalle Kuski")
        assert session.scalars(select(UserUnit).where(UserUnit.user_id == user.id)).all()
    kalle = make_client()
    assert sign_in(kalle, "kalle@example.com").status_code == 303
    assert "Kalle Kuski" in kalle.get("/").text

    wrong_unit = admin.post(
        "/admin/users", data={**form, "email": "x@example.com", "units": ["store"]}
    )
    assert wrong_unit.status_code == 422
    assert "a partner&#39;s units must be partners" in wrong_unit.text
    assert 'value="x@example.com"' in wrong_unit.text  # kept for correcting
    assert 'value="carrier" checked' not in wrong_unit.text
    assert 'value="store" checked' in wrong_unit.text
    short = admin.post("/admin/users", data={**form, "email": "y@example.com", "password": "short"})
    assert short.status_code == 422

    disabled = admin.post("/admin/users/disable", data={"csrf": csrf, "email": "kalle@example.com"})
    assert "User kalle@example.com disabled." in disabled.text
    assert kalle.get("/", follow_redirects=False).status_code == 303  # signed out at once
    me = admin_id(store)
    assert audit(store)[1:] == [
        ("user.create", "kalle@example.com", me),
        ("user.disable", "kalle@example.com", me),
    ]
    myself = admin.post("/admin/users/disable", data={"csrf": csrf, "email": "admin@example.com"})
    assert myself.status_code == 422


def test_names_an_admin_enters_are_escaped(admin: TestClient) -> None:
    csrf = csrf_of(admin.get("/admin/sources"))
    hostile = '<img src=x onerror="alert(1)">'
    admin.post("/admin/sources", data={"csrf": csrf, "name": hostile})
    admin.post("/admin/tokens", data={"csrf": csrf, "name": hostile, "scope": "read"})
    for path in ("/admin/sources", "/admin/tokens"):
        page = admin.get(path)
        assert hostile not in page.text
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page.text


@pytest.fixture
def both(settings: Settings, database: Database) -> Iterator[TestClient]:
    load_default_journey(database)
    add_user(database, "admin@example.com", role="admin")
    with TestClient(create_app(settings, database)) as client:
        sign_in(client, "admin@example.com")
        yield client


def test_admin_changes_on_both_stores(both: TestClient, database: Database) -> None:
    csrf = csrf_of(both.get("/admin/users"))
    key = secret_on(both.post("/admin/sources", data={"csrf": csrf, "name": "crm", "kind": "crm"}))
    token = secret_on(
        both.post("/admin/tokens", data={"csrf": csrf, "name": "t", "scope": "admin"})
    )
    form = {"csrf": csrf, "email": "m@example.com", "role": "manager", "units": ["store", "sales"]}
    created = both.post("/admin/users", data={**form, "password": PASSWORD, "language": "sv"})
    assert created.status_code == 200
    with database.transaction() as session:
        assert source_for_write_key(session, key) is not None
        assert authenticate(session, token, "admin").scope == "admin"
        user_id = session.scalar(select(User.id).where(User.email == "m@example.com"))
        units = session.scalars(select(UserUnit.unit_id).where(UserUnit.user_id == user_id)).all()
        assert len(units) == 2
    assert [entry[0] for entry in audit(database)][1:] == [
        "source.create",
        "token.create",
        "user.create",
    ]


def test_every_app_page_sends_the_security_headers_and_no_inline_code(
    admin: TestClient, store: Database
) -> None:
    add_source(store, "shop")
    paths = ["/", "/customers", "/customers?q=a%40example.com", "/journey", *ADMIN_PAGES]
    for path in paths:
        page = admin.get(path)
        assert page.status_code == 200, path
        assert page.headers["content-security-policy"] == POLICY
        assert page.headers["cache-control"] == "no-store"
        assert page.headers["x-frame-options"] == "DENY"
        assert_no_inline_script(page.text)
        assert " style=" not in page.text
        assert '<a class="skip" href="#main">' in page.text
        assert '<main id="main"' in page.text
        assert 'href="/static/app.css"' in page.text
