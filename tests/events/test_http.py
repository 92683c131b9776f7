"""Webhook URLs and delivery attempts (CONTRACT §8.2, §8.3): "hosts that resolve to loopback,
private (RFC 1918, fc00::/7), link-local or metadata addresses are refused with 422 — checked when
saved **and** again at each delivery after DNS resolution"; "Success = a 2xx within 10 s. Redirects
are not followed (a 3xx is a failure)." Receivers are real servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import socket
import ssl
import struct
import time
from asyncio import StreamReader, StreamWriter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from stride_server.core.problems import Unprocessable
from stride_server.events.http import (
    USER_AGENT,
    check_url,
    check_url_resolving,
    deliver,
    is_public_address,
)

BODY = b'{"id":"evt_01","type":"webhook.ping","data":{"webhook_id":"whk_01"}}'


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A raw HTTP/1.1 server on 127.0.0.1; `handle` decides what to do with each connection."""

    handle: Callable[[Receiver, StreamReader, StreamWriter], Awaitable[None]]
    connections: int = 0
    requests: list[Request] = field(default_factory=list)
    written: int = 0
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    port: int = 0

    async def serve(self, reader: StreamReader, writer: StreamWriter) -> None:
        self.connections += 1
        try:
            await self.handle(self, reader, writer)
        except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
            pass  # the client went away, which several tests provoke on purpose
        finally:
            writer.close()
            self.finished.set()

    async def read_request(self, reader: StreamReader) -> Request:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        request_line, *lines = head.split("\r\n")
        headers: dict[str, str] = {}
        for line in filter(None, lines):
            name, _, value = line.partition(":")
            assert name.lower() not in headers, f"duplicate header {name}"
            headers[name.lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        method, target, _ = request_line.split(" ")
        request = Request(method, target, headers, body)
        self.requests.append(request)
        return request


Serve = Callable[..., Awaitable[Receiver]]


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """Start receivers for one test (optionally over TLS); all of them stop when it ends."""
    servers: list[asyncio.Server] = []

    async def start(handle: Callable[..., Awaitable[None]], tls: ssl.SSLContext | None = None) -> Receiver:
        receiver = Receiver(handle)
        server = await asyncio.start_server(receiver.serve, "127.0.0.1", 0, ssl=tls)
        servers.append(server)
        receiver.port = server.sockets[0].getsockname()[1]
        return receiver

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


def answer(status: int, extra: str = "", body: bytes = b"done") -> Callable[..., Awaitable[None]]:
    async def handle(receiver: Receiver, reader: StreamReader, writer: StreamWriter) -> None:
        await receiver.read_request(reader)
        head = f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\nConnection: close\r\n{extra}\r\n"
        writer.write(head.encode() + body)
        await writer.drain()

    return handle


async def never_answer(receiver: Receiver, reader: StreamReader, writer: StreamWriter) -> None:
    await receiver.read_request(reader)
    await reader.read()  # until the client gives up and closes


async def endless_body(receiver: Receiver, reader: StreamReader, writer: StreamWriter) -> None:
    # A small send buffer keeps what the kernel absorbs after the client stops reading small.
    writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
    await receiver.read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\n")
    chunk = b"x" * 16384
    while True:
        writer.write(chunk)
        await writer.drain()
        receiver.written += len(chunk)


async def trickle_body(receiver: Receiver, reader: StreamReader, writer: StreamWriter) -> None:
    await receiver.read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n")
    for _ in range(40):  # a byte at a time for 2 s: each read succeeds, only a total deadline stops it
        writer.write(b"x")
        await writer.drain()
        await asyncio.sleep(0.05)


async def reset(receiver: Receiver, reader: StreamReader, writer: StreamWriter) -> None:
    await receiver.read_request(reader)
    # SO_LINGER with a zero timeout turns the close into a TCP reset.
    writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


@dataclass
class FakeDns:
    """Names under .test resolve to the addresses a test assigns (none: the name does not exist);
    each lookup of one is recorded."""

    addresses: dict[str, list[str]] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    """Stands in for the operating system's resolver (what asyncio and httpx both call), not for
    any part of the module under test."""
    dns = FakeDns()
    real = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else host
        if name not in dns.addresses:
            return real(host, port, family, type, proto, flags)
        dns.lookups.append(name)
        if not dns.addresses[name]:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in dns.addresses[name]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return dns


# --- is_public_address -------------------------------------------------------------------------


PUBLIC = ["8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111"]
PUBLIC += ["2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"]
NON_PUBLIC = [
    *("127.0.0.1", "127.255.255.254", "0.0.0.0", "0.1.2.3", "::1", "::"),  # loopback, unspecified
    *("10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1"),  # RFC 1918
    *("fc00::1", "fd12:3456::1", "fe80::1", "fec0::1", "169.254.1.1"),  # unique/link/site-local
    *("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "100.64.0.1"),  # metadata, CGNAT
    *("224.0.0.1", "239.255.255.250", "ff02::1", "240.0.0.1", "255.255.255.255"),  # multicast, reserved
    *("192.0.2.1", "198.18.0.1", "2001:db8::1"),  # documentation, benchmarking
    *("::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:192.168.0.1", "::ffff:169.254.169.254"),
    *("::ffff:100.100.100.200", "::ffff:0.0.0.0", "::127.0.0.1"),  # IPv4-mapped and -compatible
    *("64:ff9b::a00:1", "2002:7f00:1::1"),  # NAT64 of 10.0.0.1, 6to4 of 127.0.0.1
]


@pytest.mark.parametrize(
    ("address", "public"), [(a, True) for a in PUBLIC] + [(a, False) for a in NON_PUBLIC]
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


# --- URL rules when an endpoint is saved -------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://example.com/hooks", "https://example.com/hooks"),
        ("HTTPS://Example.COM:443/hooks?a=1", "https://example.com/hooks?a=1"),
        ("https://example.com:8443/", "https://example.com:8443/"),
        ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
        ("https://[2606:4700:4700::1111]/x", "https://[2606:4700:4700::1111]/x"),
    ],
)
def test_check_url_returns_the_normalised_url(url: str, normalised: str) -> None:
    assert check_url(url, allow_private=False) == normalised


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hooks",
        "ftp://example.com/hooks",
        "example.com/hooks",
        "/hooks",
        "https:///hooks",
        "https://user:secret@example.com/hooks",
        "https://token@example.com/hooks",
        "https://example.com:0/hooks",
        "https://example.com:70000/hooks",
        "https://exa mple.com/hooks",
        "https://exa%2Emple.com/hooks",
        "https://example.com/" + "a" * 2000,
    ],
)
def test_check_url_refuses_bad_syntax_with_422(url: str) -> None:
    with pytest.raises(Unprocessable) as raised:
        check_url(url, allow_private=False)
    assert (raised.value.status, raised.value.slug) == (422, "webhook-url")
    assert raised.value.detail.startswith("url: ")


def test_allow_private_permits_plain_http() -> None:
    assert check_url("http://127.0.0.1:8080/hooks", allow_private=True) == "http://127.0.0.1:8080/hooks"
    with pytest.raises(Unprocessable):
        check_url("ftp://127.0.0.1/hooks", allow_private=True)
    with pytest.raises(Unprocessable):
        check_url("http://u:p@127.0.0.1/hooks", allow_private=True)


PRIVATE_URLS = [
    "https://localhost:{port}/hooks",
    "https://127.0.0.1:{port}/hooks",
    "https://127.1:{port}/hooks",
    "https://[::ffff:127.0.0.1]:{port}/hooks",
    "https://10.0.0.1/hooks",
    "https://[::1]:{port}/hooks",
    "https://169.254.169.254/latest/meta-data/",
    "https://[fd00:ec2::254]/latest/meta-data/",
    "https://100.100.100.200/latest/meta-data/",
    "https://0.0.0.0:{port}/hooks",
]


@pytest.mark.parametrize("url", PRIVATE_URLS)
async def test_non_public_hosts_are_refused_when_saved(url: str) -> None:
    with pytest.raises(Unprocessable) as raised:
        await check_url_resolving(url.format(port=8443), allow_private=False)
    assert raised.value.slug == "webhook-url"
    assert "non-public address" in raised.value.detail


async def test_a_name_with_any_non_public_address_is_refused(fake_dns: FakeDns) -> None:
    fake_dns.addresses["public.test"] = ["93.184.216.34"]
    fake_dns.addresses["mixed.test"] = ["93.184.216.34", "10.0.0.7"]
    assert await check_url_resolving("https://public.test/x", allow_private=False) == "https://public.test/x"
    with pytest.raises(Unprocessable, match="10.0.0.7"):
        await check_url_resolving("https://mixed.test/x", allow_private=False)
    assert await check_url_resolving("https://mixed.test/x", allow_private=True) == "https://mixed.test/x"


@pytest.mark.parametrize("allow_private", [False, True])
async def test_a_name_that_does_not_resolve_is_422(allow_private: bool, fake_dns: FakeDns) -> None:
    fake_dns.addresses["nowhere.test"] = []
    with pytest.raises(Unprocessable, match="does not resolve"):
        await check_url_resolving("https://nowhere.test/hooks", allow_private=allow_private)
    outcome = await deliver("https://nowhere.test/hooks", BODY, {}, allow_private=allow_private)
    assert (outcome.ok, outcome.status) == (False, None)
    assert outcome.error is not None and "does not resolve" in outcome.error


async def test_allow_private_lifts_the_address_rules() -> None:
    url = "http://localhost:8080/hooks"
    assert await check_url_resolving(url, allow_private=True) == url


# --- Delivery ----------------------------------------------------------------------------------


async def test_a_2xx_receiver_gets_the_exact_body_and_headers(serve: Serve) -> None:
    receiver = await serve(answer(204, body=b""))
    headers = {"webhook-id": "evt_01", "webhook-timestamp": "1700000000", "content-type": "application/json"}
    headers |= {"webhook-signature": "v1,abc= v1,def=", "Host": "evil.example", "User-Agent": "x"}
    headers |= {"Cookie": "session=1"}

    outcome = await deliver(f"http://localhost:{receiver.port}/hooks?a=1", BODY, headers, allow_private=True)

    assert (outcome.ok, outcome.status, outcome.error) == (True, 204, None)
    assert outcome.duration_ms >= 0
    [request] = receiver.requests
    assert (request.method, request.target, request.body) == ("POST", "/hooks?a=1", BODY)
    assert request.headers["host"] == f"localhost:{receiver.port}"
    assert request.headers["user-agent"] == USER_AGENT
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature", "content-type"):
        assert request.headers[name] == headers[name]
    assert "cookie" not in request.headers


async def test_the_checked_address_is_connected_to_without_a_second_lookup(
    serve: Serve, fake_dns: FakeDns
) -> None:
    receiver = await serve(answer(200))
    fake_dns.addresses["receiver.test"] = ["127.0.0.1"]

    outcome = await deliver(f"http://receiver.test:{receiver.port}/", BODY, {}, allow_private=True)

    assert outcome.ok, outcome
    assert fake_dns.lookups == ["receiver.test"]
    assert receiver.requests[0].headers["host"] == f"receiver.test:{receiver.port}"


async def test_a_5xx_is_a_failure_with_its_status(serve: Serve) -> None:
    receiver = await serve(answer(500))
    outcome = await deliver(f"http://127.0.0.1:{receiver.port}/", BODY, {}, allow_private=True)
    assert (outcome.ok, outcome.status) == (False, 500)
    assert len(receiver.requests) == 1


async def test_a_redirect_is_a_failure_and_is_not_followed(serve: Serve) -> None:
    target = await serve(answer(200))
    redirect = await serve(answer(302, f"Location: http://127.0.0.1:{target.port}/elsewhere\r\n"))

    outcome = await deliver(f"http://127.0.0.1:{redirect.port}/", BODY, {}, allow_private=True)

    assert (outcome.ok, outcome.status) == (False, 302)
    assert outcome.error is not None and "redirect" in outcome.error
    assert len(redirect.requests) == 1
    assert target.connections == 0


async def test_a_receiver_that_never_answers_times_out(serve: Serve) -> None:
    receiver = await serve(never_answer)
    started = time.monotonic()
    outcome = await deliver(f"http://127.0.0.1:{receiver.port}/", BODY, {}, allow_private=True, timeout=0.5)
    assert time.monotonic() - started < 2
    assert (outcome.ok, outcome.status) == (False, None)
    assert outcome.error is not None and "Timeout" in outcome.error
    assert len(receiver.requests) == 1


async def test_a_receiver_that_trickles_its_body_is_cut_off_by_the_total_timeout(serve: Serve) -> None:
    receiver = await serve(trickle_body)
    started = time.monotonic()
    outcome = await deliver(f"http://127.0.0.1:{receiver.port}/", BODY, {}, allow_private=True, timeout=0.5)
    assert time.monotonic() - started < 2
    assert not outcome.ok
    assert outcome.error is not None and "TimeoutError" in outcome.error


async def test_an_endless_body_is_read_only_up_to_the_cap(serve: Serve) -> None:
    receiver = await serve(endless_body)

    outcome = await deliver(
        f"http://127.0.0.1:{receiver.port}/",
        BODY,
        {},
        allow_private=True,
        timeout=5,
        max_response_bytes=65536,
    )

    # No timeout: the attempt ended because the cap was reached and the connection closed.
    assert (outcome.ok, outcome.status, outcome.error) == (True, 200, None)
    await asyncio.wait_for(receiver.finished.wait(), 2)
    # What the receiver managed to write is what we read plus what the two kernels buffered.
    assert receiver.written < 2 * 1024 * 1024, receiver.written


async def test_a_connection_reset_is_a_failure(serve: Serve) -> None:
    receiver = await serve(reset)
    outcome = await deliver(f"http://127.0.0.1:{receiver.port}/", BODY, {}, allow_private=True)
    assert (outcome.ok, outcome.status) == (False, None)
    assert outcome.error is not None and "ConnectionResetError" in outcome.error, outcome.error
    assert len(receiver.requests) == 1


async def test_a_refused_connection_is_a_failure() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    outcome = await deliver(f"http://127.0.0.1:{port}/", BODY, {}, allow_private=True)
    assert (outcome.ok, outcome.status) == (False, None)
    assert outcome.error is not None and outcome.error.startswith("ConnectError")


@pytest.mark.parametrize("url", PRIVATE_URLS)
async def test_non_public_hosts_are_refused_at_delivery(serve: Serve, url: str) -> None:
    receiver = await serve(answer(200))
    outcome = await deliver(url.format(port=receiver.port), BODY, {}, allow_private=False, timeout=2)
    assert (outcome.ok, outcome.status) == (False, None)
    assert outcome.error is not None and outcome.error.startswith("refused: "), outcome.error
    assert receiver.connections == 0


async def test_plain_http_is_refused_at_delivery_unless_private_is_allowed(serve: Serve) -> None:
    receiver = await serve(answer(200))
    refused = await deliver("http://example.com/hooks", BODY, {}, allow_private=False)
    assert refused.error is not None and "https://" in refused.error
    allowed = await deliver(f"http://127.0.0.1:{receiver.port}/", BODY, {}, allow_private=True)
    assert allowed.ok
    assert receiver.connections == 1


# --- TLS: the connection goes to the checked IP, the certificate is checked against the name ----


@dataclass
class Certificate:
    server: ssl.SSLContext
    client: ssl.SSLContext
    server_names: list[str | None]


@pytest.fixture(scope="module")
def localhost_pem(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    yield cert_path, key_path


@pytest.fixture
def tls(localhost_pem: tuple[Path, Path]) -> Certificate:
    cert_path, key_path = localhost_pem
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_path, key_path)
    names: list[str | None] = []

    def record_server_name(_socket: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> None:
        names.append(name)

    server.sni_callback = record_server_name
    client = ssl.create_default_context(cafile=str(cert_path))
    return Certificate(server, client, names)


async def test_https_verifies_the_original_hostname_while_connecting_to_the_ip(
    serve: Serve, tls: Certificate
) -> None:
    receiver = await serve(answer(200), tls=tls.server)

    outcome = await deliver(
        f"https://localhost:{receiver.port}/hooks", BODY, {}, allow_private=True, verify=tls.client
    )

    assert (outcome.ok, outcome.status, outcome.error) == (True, 200, None)
    assert tls.server_names == ["localhost"]
    assert receiver.requests[0].headers["host"] == f"localhost:{receiver.port}"
    assert receiver.requests[0].body == BODY


async def test_https_to_a_name_the_certificate_does_not_cover_fails(serve: Serve, tls: Certificate) -> None:
    receiver = await serve(answer(200), tls=tls.server)

    outcome = await deliver(
        f"https://127.0.0.1:{receiver.port}/hooks", BODY, {}, allow_private=True, verify=tls.client
    )

    assert (outcome.ok, outcome.status) == (False, None)
    assert outcome.error is not None and "CERTIFICATE_VERIFY_FAILED" in outcome.error, outcome.error
    assert receiver.requests == []


async def test_https_with_an_untrusted_certificate_fails(serve: Serve, tls: Certificate) -> None:
    receiver = await serve(answer(200), tls=tls.server)
    outcome = await deliver(f"https://localhost:{receiver.port}/hooks", BODY, {}, allow_private=True)
    assert not outcome.ok
    assert outcome.error is not None and "CERTIFICATE_VERIFY_FAILED" in outcome.error, outcome.error
    assert receiver.requests == []
