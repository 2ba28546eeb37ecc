"""The fetcher's rules on their own: no server-side request forgery, http(s) only, one request
at a time per host, conditional GET."""

from __future__ import annotations

import threading

import pytest

from factcheck.sources import fetching
from factcheck.sources.fetching import FetchError, Policy, check_url

from .conftest import Reply


def policy(**overrides) -> Policy:
    return Policy(user_agent="FactCheckDesk/1.0 (test)", host_delay=0, **overrides)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "127.0.0.1, a loopback address"),
        ("http://localhost:8000/feed", "a loopback address"),
        ("http://[::1]/", "::1, a loopback address"),
        ("http://10.0.0.7/", "10.0.0.7, a private address"),
        ("http://192.168.1.1/admin", "192.168.1.1, a private address"),
        ("http://172.16.5.4/", "172.16.5.4, a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254, a cloud metadata address"),
        ("http://[fd00:ec2::254]/latest/meta-data/", "fd00:ec2::254, a cloud metadata address"),
        ("http://169.254.10.10/", "169.254.10.10, a link-local address"),
        ("http://[fe80::1]/", "fe80::1, a link-local address"),
        ("http://224.0.0.1/", "224.0.0.1, a multicast address"),
        ("http://0.0.0.0/", "0.0.0.0, an unspecified address"),
        ("http://240.0.0.1/", "240.0.0.1, a reserved address"),
        ("http://100.64.0.1/", "100.64.0.1, an address that is not on the public internet"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:7f00:1, a loopback address"),  # IPv4-mapped
        ("http://2130706433/", "127.0.0.1, a loopback address"),  # 127.0.0.1 written as one number
    ],
)
def test_addresses_off_the_public_internet_are_refused(url, reason):
    with pytest.raises(FetchError) as refused:
        check_url(url, policy())
    assert reason in refused.value.message
    assert refused.value.message.startswith("Refused: ")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("ftp://example.org/feed", "“ftp:”"),
        ("file:///etc/passwd", "“file:”"),
        ("gopher://example.org/", "“gopher:”"),
        ("javascript:alert(1)", "“javascript:”"),
        ("example.org/feed", "no scheme"),
    ],
)
def test_only_http_and_https_are_fetched(url, shown):
    with pytest.raises(FetchError) as refused:
        check_url(url, policy())
    assert refused.value.message == f"Only http:// and https:// addresses are fetched; {url} has {shown}."


def test_credentials_in_the_address_are_refused():
    with pytest.raises(FetchError, match="user name or password"):
        check_url("http://user:secret@example.org/", policy())


def test_a_public_address_passes_and_is_the_one_connected_to():
    target = check_url("https://93.184.215.14:8443/feed?x=1#top", policy())
    assert target.connect_url() == "https://93.184.215.14:8443/feed?x=1"
    assert target.host_header() == "93.184.215.14:8443"


def test_the_allowed_test_host_is_the_only_exception():
    allowed = policy(allowed_test_hosts=frozenset({"127.0.0.1"}))
    assert str(check_url("http://127.0.0.1:9/", allowed).ip) == "127.0.0.1"
    with pytest.raises(FetchError, match="loopback"):
        check_url("http://localhost:9/", allowed)  # same address, another name: not allowed


def test_the_connection_goes_to_the_checked_address_with_the_hosts_name(site):
    site.routes["/page"] = Reply(body=b"<p>hello</p>")
    allowed = policy(allowed_test_hosts=frozenset({"127.0.0.1"}))
    response = fetching.fetch(f"{site.base}/page", policy=allowed)
    assert response.content == b"<p>hello</p>" and response.status == 200
    seen = site.seen[-1]
    assert seen.headers["Host"] == site.base.removeprefix("http://")
    assert seen.headers["User-Agent"] == "FactCheckDesk/1.0 (test)"


def test_a_404_is_a_failure_in_words(site):
    allowed = policy(allowed_test_hosts=frozenset({"127.0.0.1"}))
    with pytest.raises(FetchError) as failed:
        fetching.fetch(f"{site.base}/nothing", policy=allowed)
    assert failed.value.message == f"{site.base}/nothing answered HTTP 404 (no such page)."


def test_an_unreachable_host_is_a_failure_in_words(site):
    allowed = policy(allowed_test_hosts=frozenset({"127.0.0.1"}), connect_timeout=2)
    with pytest.raises(FetchError, match=r"^Could not reach 127\.0\.0\.1: "):
        fetching.fetch("http://127.0.0.1:9/feed", policy=allowed)  # the discard port: nothing listens


def test_a_slow_page_is_cut_at_the_read_timeout(site):
    site.routes["/slow"] = Reply(body=b"late", delay=1.5)
    allowed = policy(allowed_test_hosts=frozenset({"127.0.0.1"}), read_timeout=0.3)
    with pytest.raises(FetchError, match=r"sent nothing for 0\.3 s"):
        fetching.fetch(f"{site.base}/slow", policy=allowed)


@pytest.mark.django_db
def test_one_request_at_a_time_per_host(site, settings):
    """Four fetches of one host from four threads (as four workers would): the server never
    sees two at once. The turn is a Redis lock when Redis is configured (as in the tests)."""
    assert settings.REDIS_URL, "the tests run with Redis"
    site.routes["/page"] = Reply(body=b"ok", delay=0.2)
    allowed = Policy.from_settings()
    errors: list[Exception] = []

    def one() -> None:
        try:
            fetching.fetch(f"{site.base}/page", policy=allowed)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert site.paths().count("/page") == 4
    assert site.max_in_flight == 1


def test_without_redis_the_turn_is_held_in_process(site):
    site.routes["/page"] = Reply(body=b"ok", delay=0.2)
    local = policy(allowed_test_hosts=frozenset({"127.0.0.1"}), redis_url="")
    threads = [
        threading.Thread(target=fetching.fetch, args=(f"{site.base}/page",), kwargs={"policy": local}) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert site.paths().count("/page") == 3 and site.max_in_flight == 1


def test_a_robots_txt_that_cannot_be_read_stops_fetching_for_now(site):
    site.routes["/robots.txt"] = Reply(status=503)
    site.routes["/page"] = Reply(body=b"ok")
    allowed = policy(allowed_test_hosts=frozenset({"127.0.0.1"}))
    with pytest.raises(FetchError) as refused:
        fetching.fetch(f"{site.base}/page", policy=allowed)
    assert refused.value.message.startswith("127.0.0.1's robots.txt answered HTTP 503; the desk fetches nothing")
    assert "/page" not in site.paths()
    site.routes["/robots.txt"] = Reply(status=404)  # read again at the next fetch: now there is none
    assert fetching.fetch(f"{site.base}/page", policy=allowed).content == b"ok"


@pytest.mark.django_db
def test_requests_to_one_host_are_spaced_by_the_minimum_delay(site, settings):
    """Politeness, not speed: the server sees each request to it at least SOURCES_HOST_DELAY
    after the previous one ended, whichever process sends them (the clock is in Redis)."""
    settings.SOURCES_HOST_DELAY = 0.3
    site.routes["/page"] = Reply(body=b"ok")
    allowed = Policy.from_settings()
    stamps = []
    for _ in range(3):
        fetching.fetch(f"{site.base}/page", policy=allowed)
        stamps.append(site.seen[-1].at)
    gaps = [later - earlier for earlier, later in zip(stamps, stamps[1:], strict=False)]
    assert all(gap >= 0.29 for gap in gaps), gaps


def test_https_certificates_are_verified(tmp_path):
    """The desk connects to the checked IP but verifies the certificate as the host's: a
    self-signed certificate is refused, in words."""
    import ssl
    import subprocess
    from http.server import HTTPServer, SimpleHTTPRequestHandler

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    server = HTTPServer(("127.0.0.1", 0), SimpleHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        allowed = policy(allowed_test_hosts=frozenset({"127.0.0.1"}), redis_url="")
        with pytest.raises(FetchError) as refused:
            fetching.fetch(f"https://127.0.0.1:{server.server_address[1]}/", policy=allowed)
        assert refused.value.message.startswith("Could not reach 127.0.0.1: ")
        assert "CERTIFICATE_VERIFY_FAILED" in refused.value.message
    finally:
        server.shutdown()
        server.server_close()
