"""Signing in and reading forms, shared by the web tests."""

import re

import httpx2
from fastapi.testclient import TestClient

from tests.accounts.helpers import PASSWORD

EMAIL = "ella@example.com"


def csrf_of(page: httpx2.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def sign_in(
    client: TestClient,
    email: str = EMAIL,
    password: str = PASSWORD,
    *,
    next_path: str = "/",
    headers: dict[str, str] | None = None,
) -> httpx2.Response:
    form = client.get("/login", params={"next": next_path, "lang": "en"}, headers=headers)
    data = {"email": email, "password": password, "csrf": csrf_of(form), "next": next_path}
    data["lang"] = "en"
    return client.post("/login", data=data, headers=headers, follow_redirects=False)


def assert_no_inline_script(html: str) -> None:
    """Scripts only from this server's /static/, and data blocks that never run."""
    for tag in re.findall(r"<script\b[^>]*>", html):
        served = re.search(r'\bsrc="/static/[^"]+"', tag)
        data = 'type="application/json"' in tag
        assert served or data, tag
    for body in re.findall(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S):
        assert "</" not in body, "a data block that closes early"
