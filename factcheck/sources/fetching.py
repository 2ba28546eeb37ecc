"""Fetching other people's web pages, done right: the one way the desk makes an outbound request.

- **No server-side request forgery.** Only http and https. Every hop (the first URL and each
  redirect) has its host resolved, and is refused if any address is loopback, private,
  link-local, multicast, reserved, unspecified, shared (CGNAT) or a cloud metadata address;
  the connection then goes to the address that was checked (the URL carries the IP, the Host
  header and TLS's SNI and certificate check carry the name), so a DNS answer that changes
  between the check and the connect (DNS rebinding) cannot send it elsewhere. Host names in
  `SOURCES_ALLOWED_TEST_HOSTS` skip the address check (the tests' loopback server).
- **Bounded**: connect and read timeouts, an overall deadline per response, a size cap
  counted on the decoded body while it streams, a redirect cap (redirects are followed here,
  one checked hop at a time, and a loop is named as one).
- **Polite**: a clear User-Agent; robots.txt obeyed (read once per host and cached); one
  request at a time per host with a minimum delay between them (a Redis lock and timestamp
  per host where Redis is configured, so every worker process counts together; an
  in-process lock otherwise).
- **Conditional GET**: the caller passes the ETag and Last-Modified it stored; a 304 comes
  back as `not_modified` with no body.

Every refusal or failure is a `FetchError` whose message says what happened in words.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import threading
import time
import urllib.robotparser
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import certifi
import httpx

# Addresses no fetch may reach whatever their flags say (cloud instance metadata services).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A fetch that was refused or failed; `message` says why, for people."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Policy:
    user_agent: str
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    deadline: float = 30.0  # seconds for one response, however slowly its bytes trickle in
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    host_delay: float = 1.0  # minimum seconds between two requests to one host
    host_wait: float = 60.0  # how long to wait for another worker's request to the same host
    robots_ttl: float = 3600.0
    allowed_test_hosts: frozenset[str] = frozenset()
    redis_url: str = ""
    robots_token: str = "FactCheckDesk"  # noqa: S105 (robots.txt product token, not a secret)

    @classmethod
    def from_settings(cls) -> Policy:
        from django.conf import settings

        return cls(
            user_agent=settings.SOURCES_USER_AGENT,
            connect_timeout=settings.SOURCES_CONNECT_TIMEOUT,
            read_timeout=settings.SOURCES_READ_TIMEOUT,
            deadline=settings.SOURCES_FETCH_DEADLINE,
            max_bytes=settings.SOURCES_MAX_BYTES,
            max_redirects=settings.SOURCES_MAX_REDIRECTS,
            host_delay=settings.SOURCES_HOST_DELAY,
            host_wait=settings.SOURCES_HOST_WAIT,
            robots_ttl=settings.SOURCES_ROBOTS_TTL,
            allowed_test_hosts=frozenset(h.lower() for h in settings.SOURCES_ALLOWED_TEST_HOSTS),
            redis_url=settings.REDIS_URL,
            robots_token=settings.SOURCES_ROBOTS_TOKEN,
        )


@dataclass
class Response:
    url: str  # the final address, after redirects
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False
    hops: list[str] = field(default_factory=list)


# --- Addresses --------------------------------------------------------------------------------


def address_refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why the desk may not connect to `ip`, or None if it may."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    for flag, words in (
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_unspecified", "an unspecified address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private address"),
    ):
        if getattr(ip, flag):
            return words
    if not ip.is_global:
        return "an address that is not on the public internet"
    return None


def resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"The host name {host} could not be resolved ({exc}).") from None
    # getaddrinfo's scope suffix ("fe80::1%eth0") is dropped before parsing.
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))


@dataclass(frozen=True)
class Target:
    """One hop, checked: the URL as written and the address to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address

    @property
    def host_key(self) -> str:
        return self.host

    def connect_url(self) -> str:
        parts = urlsplit(self.url)
        ip = f"[{self.ip}]" if self.ip.version == 6 else str(self.ip)
        return urlunsplit((parts.scheme, f"{ip}:{self.port}", parts.path or "/", parts.query, ""))

    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def check_url(url: str, policy: Policy) -> Target:
    """The hop `url` checked against the rules above, or FetchError saying which one it breaks."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"The address {url!r} is not a valid web address ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"“{scheme}:”" if scheme else "no scheme"
        raise FetchError(f"Only http:// and https:// addresses are fetched; {url} has {shown}.")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise FetchError(f"The address {url} has no host name.")
    if parts.username or parts.password:
        raise FetchError(f"The address {url} carries a user name or password; the desk does not send them.")
    port = port or (443 if scheme == "https" else 80)
    addresses = resolve(host, port)
    if not addresses:
        raise FetchError(f"The host name {host} has no address.")
    if host not in policy.allowed_test_hosts:
        for ip in addresses:
            if reason := address_refusal(ip):
                raise FetchError(
                    f"Refused: {host} resolves to {ip}, {reason}; the desk fetches only public web addresses."
                )
    return Target(url=url, scheme=scheme, host=host, port=port, ip=addresses[0])


# --- Politeness: one request at a time per host, a minimum delay between them ---------------------

_local_locks: dict[str, threading.Lock] = {}
_local_last: dict[str, float] = {}
_local_guard = threading.Lock()
_redis_clients: dict[str, object] = {}


def _redis(url: str):
    import redis

    client = _redis_clients.get(url)
    if client is None:
        client = _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    return client


@contextlib.contextmanager
def host_turn(host: str, policy: Policy) -> Iterator[None]:
    """Hold `host`'s turn: wait for any other request to it to finish, then for the minimum
    delay since the last one ended; the turn ends (and the clock restarts) when the block does."""
    if policy.redis_url:
        client = _redis(policy.redis_url)
        lock = client.lock(
            f"factcheck:sources:host:{host}:lock",
            timeout=policy.deadline + policy.connect_timeout + 10,
            blocking_timeout=policy.host_wait,
            sleep=0.01,  # redis-py polls a held lock every 0.1 s by default: a tenth of a second lost per turn
        )
        if not lock.acquire():
            raise FetchError(f"{host} was busy with another request for over {policy.host_wait:.0f} s; trying later.")
        last_key = f"factcheck:sources:host:{host}:last"
        try:
            last = client.get(last_key)
            _wait_since(float(last) if last else None, policy.host_delay)
            yield
        finally:
            ttl = max(1, int(policy.host_delay) + 1)
            client.set(last_key, repr(time.time()), ex=ttl)
            with contextlib.suppress(Exception):  # expired under a very slow response: nothing to release
                lock.release()
        return
    with _local_guard:
        lock = _local_locks.setdefault(host, threading.Lock())
    if not lock.acquire(timeout=policy.host_wait):
        raise FetchError(f"{host} was busy with another request for over {policy.host_wait:.0f} s; trying later.")
    try:
        _wait_since(_local_last.get(host), policy.host_delay)
        yield
    finally:
        _local_last[host] = time.time()
        lock.release()


def _wait_since(last: float | None, delay: float) -> None:
    if last is None or delay <= 0:
        return
    remaining = last + delay - time.time()
    if remaining > 0:
        time.sleep(min(remaining, delay))


# --- Robots -------------------------------------------------------------------------------------

_robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser]] = {}
_robots_guard = threading.Lock()


def robots_allows(target: Target, policy: Policy, client: Session) -> bool:
    """Whether the host's robots.txt lets the desk fetch `target`. RFC 9309: a missing file
    (any 4xx) allows everything; a file that cannot be read (a 5xx, the host unreachable)
    forbids everything for now, which is a FetchError saying so, not cached, so the next
    fetch asks again. A file that was read is kept `robots_ttl` seconds in this process."""
    origin = f"{target.scheme}://{target.host_header()}"
    now = time.monotonic()
    with _robots_guard:
        cached = _robots.get(origin)
    if cached is None or now - cached[0] > policy.robots_ttl:
        parser = urllib.robotparser.RobotFileParser()
        robots_url = origin + "/robots.txt"
        response = _fetch_one(check_url(robots_url, policy), policy, client, headers={})
        if response.status in REDIRECTS:
            # One redirect is normal (http -> https, a www. host); followed once, checked like any hop.
            robots_url = urljoin(robots_url, response.headers.get("location", ""))
            response = _fetch_one(check_url(robots_url, policy), policy, client, headers={})
        if response.status >= 500 or response.status in REDIRECTS:
            raise FetchError(
                f"{target.host}'s robots.txt answered HTTP {response.status}; the desk fetches nothing "
                "from a site whose robots.txt it cannot read, and will try again later."
            )
        if response.status >= 400:
            parser.allow_all = True
        else:
            parser.parse(response.content.decode("utf-8", "replace").splitlines())
        cached = (now, parser)
        with _robots_guard:
            _robots[origin] = cached
    return cached[1].can_fetch(policy.robots_token, target.url)


def robots_forget() -> None:
    """Forget every cached robots.txt (tests; a long-running process re-reads them hourly anyway)."""
    with _robots_guard:
        _robots.clear()


# --- The request ----------------------------------------------------------------------------------


@dataclass
class _Raw:
    status: int
    headers: httpx.Headers
    content: bytes


def _fetch_one(target: Target, policy: Policy, session: Session, *, headers: dict[str, str]) -> _Raw:
    client = session.for_host(target.host)
    request = client.build_request(
        "GET",
        target.connect_url(),
        headers={"Host": target.host_header(), **headers},
        # TLS: the server name sent (SNI) and checked against the certificate is the host's, not the IP's.
        extensions={"sni_hostname": target.host} if target.scheme == "https" else {},
    )
    started = time.monotonic()
    with host_turn(target.host_key, policy):
        try:
            response = client.send(request, stream=True, follow_redirects=False)
        except httpx.ConnectTimeout:
            raise FetchError(f"{target.host} did not accept a connection within {policy.connect_timeout:g} s.")
        except httpx.ReadTimeout:
            raise FetchError(f"{target.host} sent nothing for {policy.read_timeout:g} s.")
        except httpx.HTTPError as exc:
            raise FetchError(f"Could not reach {target.host}: {_words(exc)}.")
        try:
            if response.status_code in REDIRECTS or response.status_code == 304 or response.status_code >= 400:
                return _Raw(response.status_code, response.headers, b"")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > policy.max_bytes:
                raise FetchError(_too_large(target.url, policy.max_bytes, f"it declares {int(declared):,} bytes"))
            body = bytearray()
            try:
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > policy.max_bytes:
                        raise FetchError(_too_large(target.url, policy.max_bytes, "it sent more"))
                    if time.monotonic() - started > policy.deadline:
                        raise FetchError(f"{target.url} took longer than {policy.deadline:g} s to send; stopped.")
            except httpx.ReadTimeout:
                raise FetchError(f"{target.host} stopped sending for {policy.read_timeout:g} s.")
            except httpx.HTTPError as exc:
                raise FetchError(f"Reading {target.url} failed: {_words(exc)}.")
            return _Raw(response.status_code, response.headers, bytes(body))
        finally:
            response.close()


def _too_large(url: str, cap: int, how: str) -> str:
    return f"Refused: {url} is larger than the limit of {cap:,} bytes ({how})."


def _words(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text[:300]


_tls: ssl.SSLContext | None = None


def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process: loading the CA bundle costs about a quarter of a
    second (measured), more than a whole conditional poll."""
    global _tls
    if _tls is None:
        _tls = ssl.create_default_context(cafile=certifi.where())
    return _tls


class Session:
    """The HTTP clients of one poll: one per host name, so a kept-alive connection (the pool is
    keyed by the checked IP) never carries a request for another host that shares the address,
    over TLS verified for the first one's name. Use it as a context manager."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._clients: dict[str, httpx.Client] = {}

    def for_host(self, host: str) -> httpx.Client:
        client = self._clients.get(host)
        if client is None:
            client = self._clients[host] = httpx.Client(
                verify=_tls_context(),
                timeout=httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout),
                headers={"User-Agent": self.policy.user_agent},
                follow_redirects=False,
                trust_env=False,  # no proxy from the environment: the checked address is the one connected to
            )
        return client

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def client_for(policy: Policy) -> Session:
    return Session(policy)


def fetch(
    url: str,
    *,
    policy: Policy,
    client: Session | None = None,
    etag: str = "",
    last_modified: str = "",
    accept: str = "*/*",
) -> Response:
    """GET `url` by every rule in this module's docstring. A 304 (for the `etag` /
    `last_modified` given) is `not_modified`; any other non-2xx status is a FetchError."""
    own = client is None
    client = client or client_for(policy)
    try:
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        hops: list[str] = []
        current = url
        while True:
            target = check_url(current, policy)
            if not robots_allows(target, policy, client):
                raise FetchError(f"{target.host}'s robots.txt does not allow the desk to fetch {current}.")
            hops.append(current)
            raw = _fetch_one(target, policy, client, headers=headers)
            if raw.status in REDIRECTS:
                location = raw.headers.get("location", "").strip()
                if not location:
                    raise FetchError(f"{current} answered {raw.status} (a redirect) without saying where to.")
                following = urljoin(current, location).split("#", 1)[0]
                if following in hops:
                    raise FetchError(f"Refused: a redirect loop ({' → '.join([*hops, following])}).")
                if len(hops) > policy.max_redirects:
                    raise FetchError(f"Refused: {url} redirects more than {policy.max_redirects} times.")
                current = following
                continue
            if raw.status == 304:
                return Response(url=current, status=304, not_modified=True, etag=etag, hops=hops)
            if raw.status >= 400:
                raise FetchError(f"{current} answered HTTP {raw.status}{_reason(raw.status)}.", status=raw.status)
            if raw.status != 200:
                raise FetchError(f"{current} answered HTTP {raw.status}, not a page.", status=raw.status)
            return Response(
                url=current,
                status=raw.status,
                content=raw.content,
                content_type=raw.headers.get("content-type", ""),
                etag=raw.headers.get("etag", ""),
                last_modified=raw.headers.get("last-modified", ""),
                hops=hops,
            )
    finally:
        if own:
            client.close()


def _reason(status: int) -> str:
    words = {
        401: "the page needs a login",
        403: "the server refuses the desk",
        404: "no such page",
        410: "the page is gone",
        429: "too many requests; the server asks the desk to slow down",
        500: "the server failed",
        502: "the server's gateway failed",
        503: "the server is unavailable",
        504: "the server's gateway timed out",
    }
    return f" ({words[status]})" if status in words else ""
