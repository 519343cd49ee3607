"""Who is on the other end of a request behind the proxy, and the portal's small request limits.

``ip_cliente`` is the one place that decides a client's address: allauth's rate limits (through the
account adapter), the security log, the session list, the newsletter's and the bookings' limits all ask
it. Behind nginx REMOTE_ADDR is nginx's own address, shared by every visitor: the address comes from the
proxy's header, trusting exactly as many hops as ALLAUTH_TRUSTED_PROXY_COUNT says (X-Forwarded-For is
written by the client too: only the entries our proxies appended are believed), or from the single
header named by ALLAUTH_TRUSTED_CLIENT_IP_HEADER. Same settings, same answer as allauth.

``consenti`` counts one request of a kind per key in a fixed window, in the cache: it fails open
(alternanza/core/cache_backend.py) — while Redis is away nobody is refused.
"""

from __future__ import annotations

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse


def _pulito(valore: str | None) -> str | None:
    valore = (valore or "").strip()
    if valore.startswith("[") and "]" in valore:  # [::1]:port
        valore = valore[1 : valore.index("]")]
    elif valore.count(":") == 1:  # 1.2.3.4:port
        valore = valore.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(valore))
    except ValueError:
        return None


def ip_cliente(request: HttpRequest | None) -> str | None:
    """The client's address as the trusted proxies saw it (REMOTE_ADDR when there is no proxy)."""
    if request is None:
        return None
    intestazione = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    if intestazione:
        return _pulito(request.headers.get(intestazione))
    fidati = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    inoltrato = request.headers.get("X-Forwarded-For")
    if fidati > 0 and inoltrato:
        voci = [v for v in inoltrato.split(",") if v.strip()]
        # Fewer entries than proxies: the request did not come through all of them; then the closest
        # entry is the most one can say (never an address the client chose freely beyond it).
        if voci:
            return _pulito(voci[-min(fidati, len(voci))])
    return _pulito(request.META.get("REMOTE_ADDR"))


def consenti(azione: str, chiave: str, massimo: int, finestra: int) -> bool:
    """Count one `azione` for `chiave`; False once `massimo` were counted in the current `finestra`
    seconds. The key is hashed (it may be an e-mail address)."""
    impronta = hashlib.sha256(chiave.strip().lower().encode()).hexdigest()[:32]
    nome = f"limite:{azione}:{impronta}"
    cache.add(nome, 0, timeout=finestra)
    try:
        return cache.incr(nome) <= massimo
    except ValueError:  # expired between add and incr
        cache.add(nome, 1, timeout=finestra)
        return True


def consenti_richiesta(request: HttpRequest, azione: str, massimo: int, finestra: int) -> bool:
    """`consenti` for the client's address (and, when logged in, for the account too)."""
    permesso = consenti(azione, f"ip:{ip_cliente(request) or '-'}", massimo, finestra)
    utente = getattr(request, "user", None)
    if utente is not None and utente.is_authenticated:
        permesso = consenti(azione, f"utente:{utente.pk}", massimo, finestra) and permesso
    return permesso


class LimiteRichiestaMiddleware:
    """Refuse a request body larger than the portal ever needs before anything reads it (413).

    Django caps only the non-file part of a form (DATA_UPLOAD_MAX_MEMORY_SIZE); a multipart body is
    streamed to disk whatever its size. The declared Content-Length decides here: above
    LIMITE_CORPO_RICHIESTA for anyone, above LIMITE_CORPO_ANONIMO without a login (no anonymous form
    uploads files). nginx has the same caps (client_max_body_size, deploy/nginx/nginx.conf)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        try:
            lunghezza = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            lunghezza = 0
        limite = settings.LIMITE_CORPO_RICHIESTA
        utente = getattr(request, "user", None)
        if utente is None or not utente.is_authenticated:
            limite = settings.LIMITE_CORPO_ANONIMO
        if lunghezza > limite:
            risposta = HttpResponse(
                "Richiesta troppo grande / Request entity too large", status=413, content_type="text/plain"
            )
            risposta["Connection"] = "close"  # the rest of the body is never read
            return risposta
        return self.get_response(request)
