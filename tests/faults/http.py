"""A small HTTP client for the fault tests: each call's status, seconds and body (errors are answers too)."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Answer:
    method: str
    path: str
    status: int  # 0: no answer at all (connection refused, reset, timed out)
    seconds: float
    body: bytes
    headers: dict[str, str]
    started: float  # time.monotonic() when sent

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    base: str,
    method: str,
    path: str,
    *,
    data: Any = None,
    token: str | None = None,
    session: str | None = None,
    timeout: float = 30,
) -> Answer:
    parts = urlsplit(base)
    headers = {"Accept": "application/json" if path.startswith("/api/") else "text/html"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if session:
        headers["Cookie"] = f"sessionid={session}"
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    started = time.monotonic()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        status, answer_headers = response.status, {k.lower(): v for k, v in response.getheaders()}
    except OSError:
        status, content, answer_headers = 0, b"", {}
    finally:
        connection.close()
    return Answer(
        method=method,
        path=path,
        status=status,
        seconds=time.monotonic() - started,
        body=content,
        headers=answer_headers,
        started=started,
    )
