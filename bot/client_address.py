"""The address a request really comes from, also behind a reverse proxy.

`X-Forwarded-For` is believed only when the peer itself is a trusted proxy
(JEP_TRUSTED_PROXIES: addresses or networks, comma-separated); anyone else
could write any address into it and escape every per-address limit.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in trusted)


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return None


def _is_trusted(address: str, trusted: tuple[str, ...]) -> bool:
    parsed = _parse(address)
    return parsed is not None and any(parsed in network for network in _networks(trusted))


def client_address(peer: str | None, forwarded_for: str | None, trusted: Iterable[str]) -> str:
    """The first untrusted address counted from the peer back along X-Forwarded-For.

    Proxies append the address they saw, so the right-most entries are the
    ones our own proxies wrote; the first one not ours is the client.
    """
    trusted = tuple(trusted)
    address = (peer or "").strip()
    if not forwarded_for or not _is_trusted(address, trusted):
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if _parse(hop) is None:
            return address  # a garbled header: count the proxy itself, never a made-up value
        address = hop
        if not _is_trusted(hop, trusted):
            return hop
    return address
