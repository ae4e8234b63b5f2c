"""A small in-process client for an ASGI app (Starlette's TestClient needs httpx2, not installed): one
request at a time, the browser's cookies kept, redirects not followed."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass
class Answer:
    status_code: int
    headers: dict  # lower-case names; set-cookie: the last one
    set_cookies: list[str]
    text: str


@dataclass
class Client:
    app: object
    base_url: str = "http://testserver"
    cookies: dict = field(default_factory=dict)

    def get(self, path: str, params: dict | None = None, headers: dict | None = None) -> Answer:
        return self.request("GET", path + ("?" + urlencode(params) if params else ""), headers=headers)

    def post(self, path: str, data: dict | None = None, headers: dict | None = None) -> Answer:
        return self.request("POST", path, body=urlencode(data or {}).encode(), headers={
            "content-type": "application/x-www-form-urlencoded", **(headers or {})})

    def request(self, method: str, target: str, body: bytes = b"", headers: dict | None = None) -> Answer:
        base = urlsplit(self.base_url)
        path, _, query = target.partition("?")
        sent = {"host": base.netloc, **{k.lower(): v for k, v in (headers or {}).items()}}
        if self.cookies:
            sent["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": base.scheme, "path": path, "raw_path": path.encode(), "query_string": query.encode(),
                 "root_path": "", "headers": [(k.encode(), v.encode()) for k, v in sent.items()],
                 "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
        messages = [{"type": "http.request", "body": body, "more_body": False}]
        out: list[dict] = []

        async def receive():
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def send(message):
            out.append(message)

        asyncio.run(self.app(scope, receive, send))
        start = next(m for m in out if m["type"] == "http.response.start")
        pairs = [(k.decode().lower(), v.decode()) for k, v in start["headers"]]
        set_cookies = [v for k, v in pairs if k == "set-cookie"]
        for raw in set_cookies:
            for name, morsel in SimpleCookie(raw).items():
                if morsel["max-age"] == "0" or 'expires=Thu, 01 Jan 1970' in raw:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        text = b"".join(m.get("body", b"") for m in out if m["type"] == "http.response.body").decode()
        return Answer(start["status"], dict(pairs), set_cookies, text)
