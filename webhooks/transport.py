"""Where a webhook may go, and the one HTTP POST that takes it there.

The guard refuses a URL that is not http(s), carries credentials, or whose host resolves to an address the
platform must not reach on a subscriber's behalf (SSRF): loopback, private, link-local, multicast, reserved,
unspecified, or otherwise not globally routable. It runs when a subscription is saved and again at every send,
after resolving the name, and the request then goes to the address that was checked (the connection is pinned
to it, with the host name kept for the Host header and TLS), so a name that re-resolves between the check and
the request (DNS rebinding) reaches nothing new. `WEBHOOK_ALLOW_LOOPBACK` lets loopback through (tests, the
embedded default); plain http is accepted only for such a loopback address, https everywhere else.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

import certifi
import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import field_error

from .error_codes import WebhooksErrorCode

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: how much of a receiver's answer is read (the log keeps the status, not the body)
RESPONSE_READ_LIMIT = 4096
USER_AGENT = "ICR-Conformity-Webhooks/1"


class UnsafeUrl(Exception):
    """The URL may not be called: a person-readable message and a stable code."""

    def __init__(self, message: str, code: WebhooksErrorCode) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Target:
    """A checked URL: its parts and the address (checked) the request goes to."""

    scheme: str
    host: str
    port: int
    path: str
    host_header: str
    address: IPAddress


def _forbidden(address: IPAddress) -> bool:
    """Not a public address: private, link-local, multicast, reserved, unspecified, shared (100.64/10),
    documentation ranges... (`is_global` is False for all of them). Loopback is judged by the caller."""
    return (
        address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def address_allowed(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return bool(settings.WEBHOOK_ALLOW_LOOPBACK)
    return not _forbidden(address)


def _parts(url: str) -> SplitResult:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        raise UnsafeUrl(_("This is not a valid URL."), WebhooksErrorCode.INVALID_URL) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl(_("Give an https:// URL."), WebhooksErrorCode.INVALID_URL)
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl(
            _("Leave credentials out of the URL; the signature authenticates the platform."),
            WebhooksErrorCode.INVALID_URL,
        )
    return parts


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host name resolves to (an address literal is itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl(
            _("The host name %(host)s could not be resolved.") % {"host": host},
            WebhooksErrorCode.UNRESOLVABLE_HOST,
        ) from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def check_url(url: str) -> Target:
    """The URL's checked target, or `UnsafeUrl`. Every address the name resolves to must be allowed."""
    parts = _parts(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    if not addresses or not all(address_allowed(address) for address in addresses):
        raise UnsafeUrl(
            _("Webhooks cannot be sent to %(host)s: it is not a public internet address.") % {"host": host},
            WebhooksErrorCode.FORBIDDEN_ADDRESS,
        )
    if parts.scheme != "https" and not all(address.is_loopback for address in addresses):
        raise UnsafeUrl(_("Give an https:// URL."), WebhooksErrorCode.HTTPS_REQUIRED)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(
        scheme=parts.scheme,
        host=host,
        port=port,
        path=path,
        host_header=parts.netloc.rsplit("@", 1)[-1],
        address=addresses[0],
    )


def url_validate(url: str, *, field: str = "url") -> str:
    """For the services: the stripped URL, or a field error with the guard's message and code."""
    url = (url or "").strip()
    if len(url) > 500:
        raise field_error(field, _("At most 500 characters."), WebhooksErrorCode.INVALID_URL)
    try:
        check_url(url)
    except UnsafeUrl as exc:
        raise field_error(field, exc.message, exc.code) from None
    return url


@dataclass(frozen=True)
class Answer:
    """What came back: the status code (None when no answer came) and how long it took."""

    status: int | None
    duration_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, *, body: bytes, headers: dict[str, str]) -> Answer:
    """POSTs `body` to the checked address of `url`, without following redirects; never raises for the
    network (a refused URL, a timeout, a TLS failure are an `Answer` with the error)."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = check_url(url)
    except UnsafeUrl as exc:
        return Answer(status=None, duration_ms=elapsed(), error=exc.message)
    timeout = urllib3.Timeout(total=float(settings.WEBHOOK_TIMEOUT_SECONDS))
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            str(target.address),
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
        )
    else:
        pool = urllib3.HTTPConnectionPool(
            str(target.address), target.port, timeout=timeout, retries=False, maxsize=1
        )
    request_headers = {
        **headers,
        "Host": target.host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers=request_headers,
            redirect=False,
            retries=False,
            assert_same_host=False,
            preload_content=False,
        )
        try:
            response.read(RESPONSE_READ_LIMIT)
        finally:
            response.release_conn()
        return Answer(status=response.status, duration_ms=elapsed())
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        return Answer(status=None, duration_ms=elapsed(), error=f"{type(exc).__name__}: {exc}"[:1000])
    finally:
        pool.close()
