"""A member of staff at the console over HTTP: a requests.Session that signs in through the real
form and sends each POST with the CSRF token of the page it came from (as a browser does)."""

from __future__ import annotations

import re

import requests

CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


class StaffAgent:
    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.http = requests.Session()
        self.last_page = ""

    def get(self, path: str, **kwargs) -> requests.Response:
        answer = self.http.get(self.base + path, timeout=10, **kwargs)
        self.last_page = answer.text
        return answer

    def csrf_token(self, page_path: str = "") -> str:
        """The token of the page at `page_path` (fetched now), or of the last page fetched."""
        if page_path:
            self.get(page_path)
        found = CSRF.search(self.last_page)
        assert found, "the page carries no CSRF token"
        return found.group(1)

    def sign_in(self, username: str, password: str) -> requests.Response:
        token = self.csrf_token("/console/sign-in")
        answer = self.http.post(
            self.base + "/console/sign-in",
            data={"csrf_token": token, "username": username, "password": password},
            timeout=10,
        )
        self.last_page = answer.text
        return answer

    def post(self, path: str, data: dict | None = None, *, from_page: str, **kwargs) -> requests.Response:
        """POST as the form on `from_page` would, with that page's CSRF token."""
        fields = {"csrf_token": self.csrf_token(from_page), **(data or {})}
        answer = self.http.post(self.base + path, data=fields, timeout=10, **kwargs)
        self.last_page = answer.text
        return answer
