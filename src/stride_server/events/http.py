"""Webhook URLs and the HTTP attempt behind each delivery (§8.2, §8.3): the server-side request
forgery rules, checked when an endpoint is saved and again, after DNS resolution, at each attempt."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import re
import socket
import ssl
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import cast

import httpx

from stride_server.core.problems import Unprocessable

USER_AGENT = "Stride-Webhooks/1"
MAX_URL_LENGTH = 2000
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Letters, digits, hyphens and underscores in dot-separated labels (after IDNA encoding): anything
# else in a host (spaces, percent-escapes) is a parser differential waiting to happen.
_HOSTNAME = re.compile(r"[A-Za-z0-9_-]{1,63}(\.[A-Za-z0-9_-]{1,63})*\.?")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(network)
    for network in (
        "0.0.0.0/8",  # "this network", including the unspecified 0.0.0.0
        "10.0.0.0/8",  # RFC 1918
        "100.64.0.0/10",  # carrier-grade NAT; holds Alibaba's metadata address 100.100.100.200
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local; holds the cloud metadata address 169.254.169.254
        "172.16.0.0/12",  # RFC 1918
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "192.168.0.0/16",  # RFC 1918
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, including the broadcast 255.255.255.255
    )
)
# IPv6 is allow-listed: only global unicast (2000::/3) can be public, minus these blocks.
_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
_BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        "2001::/23",  # IETF protocol assignments, including Teredo 2001::/32
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True when a webhook may be delivered to `ip`: not loopback, private, unique-local,
    link-local, metadata, unspecified, multicast, reserved or carrier-grade NAT, nor an IPv6
    form (IPv4-mapped, 6to4, NAT64) that embeds such an IPv4 address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded)
        if ip not in _GLOBAL_UNICAST_V6 or any(ip in network for network in _BLOCKED_V6):
            return False
    elif any(ip in network for network in _BLOCKED_V4):
        return False
    # The standard library's view as a second opinion (it differs between Python versions, so it
    # only ever refuses more, never less).
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local)


def _refuse(message: str) -> Unprocessable:
    return Unprocessable(f"url: {message}", errors=[{"field": "url", "message": message}], slug="webhook-url")


def _parse(url: str, *, allow_private: bool) -> httpx.URL:
    """The URL's syntax rules (§8.2); raises Unprocessable, returns the parsed, normalised URL."""
    if len(url) > MAX_URL_LENGTH:
        raise _refuse(f"must be at most {MAX_URL_LENGTH} characters")
    try:
        parsed = httpx.URL(url.strip())
    except httpx.InvalidURL as exc:
        raise _refuse(f"is not a valid URL ({exc})") from None
    if not parsed.is_absolute_url or not parsed.raw_host:
        raise _refuse("must be an absolute URL with a host, such as https://example.com/webhooks")
    allowed = ("https", "http") if allow_private else ("https",)
    if parsed.scheme not in allowed:
        raise _refuse("must use https://")
    if parsed.userinfo:
        raise _refuse("must not contain a user name or password")
    host = parsed.raw_host.decode("ascii")
    if _literal_address(host) is None and (len(host) > 253 or not _HOSTNAME.fullmatch(host)):
        raise _refuse(f"host {host!r} is not a valid host name")
    if parsed.port is not None and not 1 <= parsed.port <= 65535:
        raise _refuse("port must be between 1 and 65535")
    if parsed.port == _DEFAULT_PORTS[parsed.scheme]:
        parsed = parsed.copy_with(port=None)
    return parsed


def check_url(url: str, *, allow_private: bool) -> str:
    """The syntax part of the webhook URL rules: returns the normalised URL or raises
    Unprocessable (slug "webhook-url"). Does not resolve the host; see check_url_resolving."""
    return str(_parse(url, allow_private=allow_private))


async def check_url_resolving(url: str, *, allow_private: bool) -> str:
    """check_url, then resolve the host and refuse it unless every address is public (§8.2)."""
    parsed = _parse(url, allow_private=allow_private)
    await _resolve(parsed, allow_private=allow_private)
    return str(parsed)


def _literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


async def _resolve(parsed: httpx.URL, *, allow_private: bool) -> list[IPAddress]:
    """The host's addresses, in the resolver's order, each of them public unless allow_private."""
    host = parsed.raw_host.decode("ascii")
    literal = _literal_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        port = parsed.port or _DEFAULT_PORTS[parsed.scheme]
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise _refuse(f"host {host!r} does not resolve ({exc})") from None
        # Drop any IPv6 zone ("%eth0"): the address itself is what the rules look at.
        found = (ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos)
        addresses = list(dict.fromkeys(found))
        if not addresses:
            raise _refuse(f"host {host!r} does not resolve")
    if not allow_private:
        for address in addresses:
            if not is_public_address(address):
                raise _refuse(f"host {host!r} resolves to the non-public address {address}")
    return addresses


@dataclass(frozen=True)
class Outcome:
    """One delivery attempt: `status` is None when no response came (refused, unreachable, timed
    out), `error` a one-line reason when not `ok`, `duration_ms` the whole attempt."""

    ok: bool
    status: int | None
    error: str | None
    duration_ms: int


async def deliver(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allow_private: bool,
    timeout: float = 10.0,  # noqa: ASYNC109 - one deadline for the whole attempt, applied inside
    max_response_bytes: int = 65536,
    verify: bool | ssl.SSLContext = True,
) -> Outcome:
    """POST `body` to `url` once and report the outcome; never raises (cancellation aside).

    The host is resolved now and every address checked before connecting; the connection then goes
    to a checked address, never through a second lookup, so DNS rebinding has no window. Redirects
    are not followed (§8.3: "a 3xx is a failure"). Everything, from resolution to reading the
    response, shares one `timeout`, and at most about `max_response_bytes` of the body are read."""
    started = time.monotonic()
    status: int | None = None
    error: str | None = None
    try:
        async with asyncio.timeout(timeout):
            status = await _attempt(
                _parse(url, allow_private=allow_private),
                body,
                headers,
                allow_private=allow_private,
                max_response_bytes=max_response_bytes,
                verify=verify,
            )
    except Unprocessable as exc:
        error = "refused: " + exc.detail.removeprefix("url: ")
    except TimeoutError:
        error = f"TimeoutError: no complete response within {timeout:g} s"
    except Exception as exc:  # the contract is an Outcome, whatever the receiver does
        error = _describe(exc)
    duration_ms = round((time.monotonic() - started) * 1000)
    ok = status is not None and 200 <= status < 300
    if status is not None and not ok:
        error = f"HTTP {status}" + (": redirects are not followed" if 300 <= status < 400 else "")
    return Outcome(ok=ok, status=status, error=error, duration_ms=duration_ms)


async def _attempt(
    parsed: httpx.URL,
    body: bytes,
    headers: dict[str, str],
    *,
    allow_private: bool,
    max_response_bytes: int,
    verify: bool | ssl.SSLContext,
) -> int:
    addresses = await _resolve(parsed, allow_private=allow_private)
    request_headers = httpx.Headers(headers)
    # Host and SNI name the original host, though the connection goes to the checked address.
    request_headers["Host"] = parsed.netloc.decode("ascii")
    request_headers["User-Agent"] = USER_AGENT
    request_headers["Accept-Encoding"] = "identity"
    request_headers.pop("Cookie", None)
    hostname = parsed.raw_host.decode("ascii")
    # A client per attempt: no cookie jar, connection pool or proxy shared between hosts (a pooled
    # connection to an IP verified for one name must never carry a request for another). No httpx
    # timeouts: the caller's asyncio.timeout bounds the whole attempt, not each read.
    async with httpx.AsyncClient(
        verify=_ssl_context() if verify is True else verify,
        trust_env=False,
        follow_redirects=False,
        timeout=None,
    ) as client:
        last_error: httpx.ConnectError | None = None
        for address in addresses:
            try:
                async with client.stream(
                    "POST",
                    parsed.copy_with(host=str(address)),
                    content=body,
                    headers=request_headers,
                    extensions={"sni_hostname": hostname},
                ) as response:
                    await _read_capped(response, max_response_bytes)
                    return response.status_code
            except httpx.ConnectError as exc:  # nothing was sent; try the next checked address
                last_error = exc
        raise last_error or httpx.ConnectError("no address to connect to")


async def _read_capped(response: httpx.Response, max_response_bytes: int) -> None:
    """Read the body up to the cap; leaving the stream early closes the connection."""
    received = 0
    raw = cast("AsyncGenerator[bytes, None]", response.aiter_raw())  # it is one; typed as an iterator
    async with contextlib.aclosing(raw) as chunks:
        async for chunk in chunks:
            received += len(chunk)
            if received >= max_response_bytes:
                return


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The default verifying context (certifi's roots), built once: loading roots is not free."""
    return httpx.create_ssl_context(trust_env=False)


def _describe(exc: BaseException) -> str:
    """A short, single-line description: the exception's class and message, no traceback. httpx
    often wraps the operating system's error without a message of its own, so that one is added."""
    text = _one_line(exc)
    cause = exc.__cause__ or exc.__context__
    while cause is not None and not str(exc).strip():
        if str(cause).strip():
            text += f" ({_one_line(cause)})"
            break
        cause = cause.__cause__ or cause.__context__
    return text[:500]


def _one_line(exc: BaseException) -> str:
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
