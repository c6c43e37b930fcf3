from datetime import timedelta
from http.cookies import SimpleCookie

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from kokemus.accounts.models import User
from kokemus.app import create_app
from kokemus.audit.models import AuditEntry
from kokemus.config import Settings
from kokemus.store import Database
from kokemus.store.base import utcnow
from kokemus.web.auth import LOGIN_COOKIE, SESSION_COOKIE, safe_next
from kokemus.web.security import POLICY
from tests.accounts.helpers import PASSWORD, add_user
from tests.factories import load_default_journey
from tests.surveys.helpers import publish_template
from tests.web.conftest import MakeClient
from tests.web.helpers import EMAIL, assert_no_inline_script, csrf_of, sign_in

GENERIC = "The email or password is wrong, or the account is locked"


def set_cookies(answer: httpx2.Response) -> dict[str, SimpleCookie]:
    found: dict[str, SimpleCookie] = {}
    for header in answer.headers.get_list("set-cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        found.update(dict.fromkeys(cookie, cookie))
    return found


def audit_actions(database: Database) -> list[tuple[str, str | None, str | None]]:
    with database.transaction() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.action, e.target, e.address) for e in entries]


# --- signing in ---------------------------------------------------------------------------


def test_the_home_page_sends_a_signed_out_visitor_to_sign_in(client: TestClient) -> None:
    answer = client.get("/?period=2026-11", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2F%3Fperiod%3D2026-11"


def test_signing_in_goes_on_to_next_and_the_home_page_shows_the_user(
    make_client: MakeClient, store: Database
) -> None:
    add_user(store, EMAIL, display_name="Ella Esimerkki", language="sv")
    client = make_client()
    answer = sign_in(client, "Ella@Example.com", next_path="/?period=2026-11")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/?period=2026-11"

    home = client.get("/")
    assert home.status_code == 200
    assert "Ella Esimerkki" in home.text
    assert "Logga ut" in home.text  # the user's language
    assert audit_actions(store)[-1] == ("user.sign_in", EMAIL, "testclient")
    # Signed in already: the form sends one straight on.
    again = client.get("/login", params={"next": "/account/password"}, follow_redirects=False)
    assert (again.status_code, again.headers["location"]) == (303, "/account/password")


def test_sign_in_and_out_on_both_stores(settings: Settings, database: Database) -> None:
    add_user(database, EMAIL)
    with TestClient(create_app(settings, database)) as client:
        assert sign_in(client).status_code == 303
        assert client.get("/").status_code == 200
        home = client.get("/")
        out = client.post("/logout", data={"csrf": csrf_of(home)}, follow_redirects=False)
        assert out.status_code == 303
        assert client.get("/", follow_redirects=False).status_code == 303


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    client: TestClient, store: Database
) -> None:
    add_user(store, EMAIL)
    wrong = sign_in(client, EMAIL, "not the password at all")
    unknown = sign_in(client, "nobody@example.com", "not the password at all")

    assert wrong.status_code == unknown.status_code == 400
    assert GENERIC in wrong.text
    assert GENERIC in unknown.text
    assert SESSION_COOKIE not in set_cookies(wrong)
    without_email = [
        page.text.replace(address, "")
        for page, address in ((wrong, EMAIL), (unknown, "nobody@example.com"))
    ]
    assert without_email[0] == without_email[1]
    assert [a[0] for a in audit_actions(store)[1:]] == ["user.sign_in_failed"] * 2


def test_five_failures_lock_the_account_until_the_lock_runs_out(
    client: TestClient, store: Database
) -> None:
    add_user(store, EMAIL)
    for _ in range(5):
        assert sign_in(client, EMAIL, "not the password at all").status_code == 400
    locked = sign_in(client, EMAIL, PASSWORD)
    assert locked.status_code == 400
    assert GENERIC in locked.text

    with store.transaction() as session:
        user = session.scalars(select(User)).one()
        assert user.locked_until is not None
        assert user.locked_until > utcnow() + timedelta(minutes=14)
        session.execute(update(User).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert sign_in(client, EMAIL, PASSWORD).status_code == 303


def test_one_address_is_slowed_down_across_accounts(
    make_client: MakeClient, store: Database
) -> None:
    add_user(store, EMAIL)
    client = make_client(login_rate_limit="3/10 minutes")
    for number in range(3):
        assert (
            sign_in(client, f"guess{number}@example.com", "a guessed password").status_code == 400
        )
    refused = sign_in(client, EMAIL, PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.text
    assert SESSION_COOKIE not in set_cookies(refused)


# --- cookies and CSRF ---------------------------------------------------------------------


def test_cookies_are_http_only_same_site_and_secure_only_over_https(
    make_client: MakeClient, store: Database
) -> None:
    add_user(store, EMAIL)
    plain = make_client()
    form = plain.get("/login")
    login_cookie = set_cookies(form)[LOGIN_COOKIE][LOGIN_COOKIE]
    assert login_cookie["httponly"]
    assert login_cookie["samesite"].lower() == "lax"
    assert login_cookie["path"] == "/login"
    assert not login_cookie["secure"]

    session_cookie = set_cookies(sign_in(plain))[SESSION_COOKIE][SESSION_COOKIE]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"].lower() == "lax"
    assert session_cookie["path"] == "/"
    assert not session_cookie["secure"]

    https = make_client(base_url="https://kokemus.example")
    assert set_cookies(sign_in(https))[SESSION_COOKIE][SESSION_COOKIE]["secure"]


def test_x_forwarded_proto_counts_only_from_a_trusted_proxy(
    make_client: MakeClient, store: Database
) -> None:
    add_user(store, EMAIL)
    behind = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    untrusted = set_cookies(sign_in(make_client(), headers=behind))[SESSION_COOKIE]
    assert not untrusted[SESSION_COOKIE]["secure"]
    proxied = make_client(trust_proxy_headers=True)
    form = proxied.get("/login", headers=behind)
    login_cookie = set_cookies(form)[LOGIN_COOKIE][LOGIN_COOKIE]
    assert login_cookie["secure"]
    # The proxy speaks HTTPS to the browser, which so sends the secure cookie back.
    proxied.cookies.set(LOGIN_COOKIE, login_cookie.value)
    data = {"email": EMAIL, "password": PASSWORD, "csrf": csrf_of(form)}
    trusted = set_cookies(proxied.post("/login", data=data, headers=behind, follow_redirects=False))
    assert trusted[SESSION_COOKIE][SESSION_COOKIE]["secure"]
    addresses = [address for action, _, address in audit_actions(store) if action == "user.sign_in"]
    assert addresses == ["testclient", "203.0.113.7"]


def test_the_sign_in_form_refuses_a_post_without_its_token(
    client: TestClient, store: Database
) -> None:
    add_user(store, EMAIL)
    client.get("/login")
    posted = {"email": EMAIL, "password": PASSWORD, "lang": "en"}
    without = client.post("/login", data=posted)
    wrong = client.post("/login", data={**posted, "csrf": "forged"})
    with TestClient(client.app) as fresh:  # no cookie at all: a post from another site
        token = csrf_of(client.get("/login"))
        no_cookie = fresh.post("/login", data={**posted, "csrf": token})

    for refused in (without, wrong, no_cookie):
        assert refused.status_code == 403
        assert "The form has expired" in refused.text
        assert SESSION_COOKIE not in set_cookies(refused)
    assert audit_actions(store)[1:] == []  # not even an attempt


def test_signed_in_forms_refuse_a_missing_or_wrong_token(
    client: TestClient, store: Database
) -> None:
    add_user(store, EMAIL)
    sign_in(client)
    new = "a brand new passphrase"
    change = {"current_password": PASSWORD, "new_password": new, "new_password_again": new}
    for token in ({}, {"csrf": "forged"}):
        assert client.post("/logout", data=token, follow_redirects=False).status_code == 403
        assert client.post("/account/password", data={**change, **token}).status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200  # still signed in
    assert sign_in(TestClient(client.app), EMAIL, PASSWORD).status_code == 303  # unchanged


# --- signing out, changing the password ----------------------------------------------------


def test_signing_out_ends_the_session_in_the_store(client: TestClient, store: Database) -> None:
    add_user(store, EMAIL)
    sign_in(client)
    token = client.cookies[SESSION_COOKIE]
    home = client.get("/")
    out = client.post("/logout", data={"csrf": csrf_of(home)}, follow_redirects=False)
    assert out.status_code == 303
    assert out.headers["location"] == "/login?out=1&lang=en"
    assert set_cookies(out)[SESSION_COOKIE][SESSION_COOKIE]["max-age"] == "0"
    assert "You have signed out" in client.get(out.headers["location"]).text

    # The old cookie, kept by someone, is worth nothing now.
    client.cookies.set(SESSION_COOKIE, token)
    assert client.get("/", follow_redirects=False).status_code == 303
    assert audit_actions(store)[-1] == ("user.sign_out", EMAIL, "testclient")


def test_changing_the_password_ends_the_other_sessions(client: TestClient, store: Database) -> None:
    add_user(store, EMAIL)
    sign_in(client)
    with TestClient(client.app) as other:
        sign_in(other)
        assert other.get("/", follow_redirects=False).status_code == 200

        form = client.get("/account/password")
        new = "a brand new passphrase"
        changed = client.post(
            "/account/password",
            data={
                "csrf": csrf_of(form),
                "current_password": PASSWORD,
                "new_password": new,
                "new_password_again": new,
            },
            follow_redirects=False,
        )
        assert changed.status_code == 303
        assert "Your password has been changed" in client.get(changed.headers["location"]).text
        assert client.get("/", follow_redirects=False).status_code == 200
        assert other.get("/", follow_redirects=False).status_code == 303

    with TestClient(client.app) as third:
        assert sign_in(third, EMAIL, PASSWORD).status_code == 400
        assert sign_in(third, EMAIL, new).status_code == 303


@pytest.mark.parametrize(
    ("current", "new", "again", "message"),
    [
        (
            "wrong current pw",
            "a brand new passphrase",
            "a brand new passphrase",
            "The current password is wrong.",
        ),
        (PASSWORD, "a brand new passphrase", "something else", "The passwords do not match."),
        (PASSWORD, "short", "short", "at least 12 characters"),
    ],
)
def test_a_refused_password_change_says_why(
    client: TestClient, store: Database, current: str, new: str, again: str, message: str
) -> None:
    add_user(store, EMAIL)
    sign_in(client)
    form = client.get("/account/password")
    data = {
        "csrf": csrf_of(form),
        "current_password": current,
        "new_password": new,
        "new_password_again": again,
    }
    refused = client.post("/account/password", data=data)
    assert refused.status_code == 400
    assert message in refused.text
    assert 'aria-invalid="true"' in refused.text


def test_the_password_page_needs_a_signed_in_user(client: TestClient) -> None:
    answer = client.get("/account/password", follow_redirects=False)
    assert answer.headers["location"] == "/login?next=%2Faccount%2Fpassword"
    posted = client.post("/account/password", data={"csrf": "x"}, follow_redirects=False)
    assert posted.status_code == 303


# --- where `next` may lead -----------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "evil.example",
        "",
        "/" + "a" * 3000,
    ],
)
def test_next_never_leads_off_the_site(target: str) -> None:
    assert safe_next(target) == "/"


def test_next_keeps_a_local_path_and_its_query() -> None:
    assert safe_next("/account/password?x=1&y=%2F%2Fz") == "/account/password?x=1&y=%2F%2Fz"


def test_an_open_redirect_is_refused_after_signing_in(client: TestClient, store: Database) -> None:
    add_user(store, EMAIL)
    answer = sign_in(client, next_path="//evil.example/steal")
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    form = client.get("/login", params={"next": "https://evil.example/"}, follow_redirects=False)
    assert form.headers["location"] == "/"


# --- headers, escaping, languages ----------------------------------------------------------


def test_app_pages_send_the_security_headers(client: TestClient, store: Database) -> None:
    add_user(store, EMAIL)
    pages = [client.get("/login")]
    sign_in(client)
    pages += [client.get("/"), client.get("/account/password")]
    for page in pages:
        assert page.status_code == 200
        assert page.headers["content-security-policy"] == POLICY
        assert "script-src 'self'" in POLICY
        assert "frame-ancestors 'none'" in POLICY
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "same-origin"
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["cache-control"] == "no-store"
        assert_no_inline_script(page.text)
        assert " style=" not in page.text  # the policy allows no inline style either
    api = client.get("/api/v1/journey")
    assert "content-security-policy" not in api.headers


def test_survey_pages_keep_their_own_policy(make_client: MakeClient, store: Database) -> None:
    load_default_journey(store)
    survey = publish_template(store, "post-delivery")
    client = make_client(survey_frame_ancestors="https://shop.example")
    page = client.get(f"/s/{survey.public_id}")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors https://shop.example" in policy
    assert "'none'" not in policy.split("frame-ancestors")[1]
    assert "x-frame-options" not in page.headers
    assert page.headers["referrer-policy"] == "no-referrer"
    missing = client.get("/s/no-such-survey")
    assert missing.status_code == 404
    assert "frame-ancestors https://shop.example" in missing.headers["content-security-policy"]


def test_user_text_is_escaped(client: TestClient, store: Database) -> None:
    add_user(store, EMAIL, display_name='<script>alert("name")</script>')
    echoed = sign_in(client, '"><script>alert(1)</script>@example.com', "whatever password")
    assert "<script>alert(1)</script>" not in echoed.text
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@example.com" in echoed.text

    sign_in(client)
    home = client.get("/")
    assert '<script>alert("name")</script>' not in home.text
    assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;" in home.text


def test_the_sign_in_page_speaks_finnish_swedish_and_english(client: TestClient) -> None:
    finnish = client.get("/login", headers={"Accept-Language": "fi-FI,fi;q=0.9"})
    swedish = client.get("/login", headers={"Accept-Language": "sv-FI,sv;q=0.9,en;q=0.5"})
    english = client.get("/login", params={"lang": "en"}, headers={"Accept-Language": "sv"})
    assert '<html lang="fi">' in finnish.text
    assert "Kirjaudu" in finnish.text
    assert '<html lang="sv">' in swedish.text
    assert "Logga in" in swedish.text
    assert '<html lang="en">' in english.text
    assert "Sign in to Kokemus" in english.text
    assert '<html lang="fi">' in client.get("/login", headers={"Accept-Language": "de"}).text
