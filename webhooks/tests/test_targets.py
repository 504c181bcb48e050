"""The SSRF guard on its own: which addresses and URLs a webhook may target."""

import ipaddress

import pytest

from webhooks.targets import TargetRefused, address_problem, target_resolve

ALWAYS_REFUSED = [
    "169.254.169.254",  # AWS/GCP/Azure metadata
    "fd00:ec2::254",  # AWS metadata over IPv6 (a unique-local address)
    "100.100.100.200",  # Alibaba metadata
    "169.254.10.1",  # link-local
    "fe80::1",  # link-local
    "224.0.0.1",  # multicast
    "ff02::1",
    "240.0.0.1",  # reserved
    "0.0.0.0",  # noqa: S104 - the address under test, nothing binds it
    "::",
    "::ffff:169.254.169.254",  # IPv4-mapped metadata
]
PRIVATE = ["127.0.0.1", "::1", "10.0.0.5", "172.16.3.4", "192.168.1.1", "100.64.0.1", "fd12::1", "::ffff:10.1.2.3"]
PUBLIC = ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"]


@pytest.mark.parametrize("address", ALWAYS_REFUSED)
@pytest.mark.parametrize("allow_private", [False, True])
def test_link_local_metadata_multicast_reserved_are_refused_always(address, allow_private):
    assert address_problem(ipaddress.ip_address(address), allow_private=allow_private) is not None


@pytest.mark.parametrize("address", PRIVATE)
def test_loopback_and_private_only_with_the_setting(address):
    assert address_problem(ipaddress.ip_address(address), allow_private=False) == "is a loopback or private address"
    assert address_problem(ipaddress.ip_address(address), allow_private=True) is None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address):
    assert address_problem(ipaddress.ip_address(address), allow_private=False) is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://93.184.216.34/hook", "must be an http or https URL"),
        ("file:///etc/passwd", "must be an http or https URL"),
        ("https://user:pw@93.184.216.34/hook", "must not contain credentials"),
        ("https:///hook", "must name a host"),
        ("http://10.0.0.1/hook", "10.0.0.1 is a loopback or private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address"),
        ("http://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata address"),
        ("http://localhost:8000/hook", "is a loopback or private address"),
        ("http://93.184.216.34:99999/", "is not a valid URL"),
    ],
)
def test_urls_refused_with_a_reason(url, message):
    with pytest.raises(TargetRefused, match=message.replace("[", r"\[").replace(".", r"\.")):
        target_resolve(url, allow_private=False)


def test_a_public_ip_url_resolves_to_itself_with_path_and_query():
    target = target_resolve("https://93.184.216.34:8443/hooks/in?src=checkout", allow_private=False)
    assert (target.scheme, target.host, target.port, target.path) == (
        "https",
        "93.184.216.34",
        8443,
        "/hooks/in?src=checkout",
    )
    assert target.addresses == ("93.184.216.34",)


def test_localhost_resolves_to_loopback_allowed_with_the_setting():
    target = target_resolve("http://localhost:8000/", allow_private=True)
    assert target.addresses
    assert all(ipaddress.ip_address(a).is_loopback for a in target.addresses)
