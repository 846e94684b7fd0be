"""Request machinery every app relies on: who the client is behind a proxy, and nothing personal left in caches."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_current_request: ContextVar[HttpRequest | None] = ContextVar("ganxun_current_request", default=None)


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """``"10.0.0.1, 192.168.0.0/24 ::1"`` -> networks; a wrong entry stops the start, naming it."""
    networks = []
    for item in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES: {item!r} is not an IP address or network.") from None
    return tuple(networks)


@cache
def _trusted(setting: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return parse_networks(" ".join(setting))


def _address(text: str) -> IPAddress | None:
    """An address as a proxy writes it: bare, ``v4:port`` or ``[v6]:port``; None for anything else."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: X-Forwarded-For is believed only as far as it was written by trusted proxies.

    The peer (REMOTE_ADDR) is the client unless it is one of settings.TRUSTED_PROXIES.  Then the header is
    read from the right, each hop added by a proxy we trust, and the first address that is not itself a
    trusted proxy is the client.  Anything left of it was written by the client and may be forged.
    """
    cached = getattr(request, "_ganxun_client_ip", False)
    if cached is not False:
        return cached
    found = _client_ip(request)
    request._ganxun_client_ip = found  # type: ignore[attr-defined]
    return found


def _client_ip(request: HttpRequest) -> str | None:
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    trusted = _trusted(tuple(settings.TRUSTED_PROXIES))

    def is_trusted(address: IPAddress) -> bool:
        return any(address in network for network in trusted)

    if not is_trusted(peer):
        return str(peer)
    client = peer
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # garbage where a proxy would have written an address: stop at the last one we trust
            break
        client = address
        if not is_trusted(address):
            break
    return str(client)


def current_request() -> HttpRequest | None:
    """The request this thread (or task) is answering, if any: None in commands and background work."""
    return _current_request.get()


def current_client_ip() -> str | None:
    request = current_request()
    return client_ip(request) if request is not None else None


@contextmanager
def request_context(request: HttpRequest) -> Iterator[None]:
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


class ClientAddressMiddleware:
    """Makes the request (and so the client's address and user) known to code that is not handed it, e.g. audit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_context(request):
            return self.get_response(request)


class NoStoreMiddleware:
    """Nothing the application answers is kept by a browser or proxy cache: pages, exports and downloads carry
    personal data.  Static files are answered by WhiteNoise before this and keep their long caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Replace whatever a view set: a page for one user must not be served to the next from a cache.
        if "Cache-Control" in response:
            del response["Cache-Control"]
        add_never_cache_headers(response)
        response["Pragma"] = "no-cache"
        return response
