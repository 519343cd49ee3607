"""Anti-abuse limits of the booking form, counted in the shared cache (Redis): per IP and per address.

The cache is an accelerator, not a dependency: with the cache down the counters fail open (the portal's
cache backend answers as a miss), and the database constraint still keeps one booking per address.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

from alternanza.core.rete import ip_cliente

RICHIESTE_PER_IP_ORA = 30
RICHIESTE_PER_EMAIL_ORA = 5


def ip_di(request: HttpRequest) -> str | None:
    """The client's address behind the trusted proxies (the portal's one helper, alternanza.core.rete)."""
    return ip_cliente(request) or None


def _conta(chiave: str, massimo: int) -> bool:
    cache.add(chiave, 0, timeout=60 * 60)
    try:
        return cache.incr(chiave) <= massimo
    except ValueError:  # expired between add and incr, or the cache is down
        cache.add(chiave, 1, timeout=60 * 60)
        return True


def consenti_ip(ip: str | None) -> bool:
    """Count one booking request from this IP; False once the hourly allowance is used up."""
    return _conta(f"prenotazioni:ip:{ip or '-'}", RICHIESTE_PER_IP_ORA)


def consenti_email(email: str) -> bool:
    """Count one booking request for this address (hashed: no personal data in cache keys)."""
    impronta = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return _conta(f"prenotazioni:email:{impronta}", RICHIESTE_PER_EMAIL_ORA)
