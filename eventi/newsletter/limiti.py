"""Rate limits in the shared cache (Redis in production): anti-spam for the subscribe form and the
sending pace of the newsletter across all workers."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

# Subscribe form: requests per IP per hour, and at most one e-mail per address per 10 minutes.
RICHIESTE_PER_IP_ORA = 20
PAUSA_EMAIL_STESSO_INDIRIZZO = 10 * 60


def _chiave_email(email: str) -> str:
    # Hash: no personal data in cache keys.
    return "newsletter:mail:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def consenti_richiesta_ip(ip: str | None) -> bool:
    """Count one subscribe request of this IP; False once the hourly allowance is used up."""
    chiave = f"newsletter:ip:{ip or '-'}"
    cache.add(chiave, 0, timeout=60 * 60)
    try:
        return cache.incr(chiave) <= RICHIESTE_PER_IP_ORA
    except ValueError:  # expired between add and incr
        cache.add(chiave, 1, timeout=60 * 60)
        return True


def consenti_email(email: str) -> bool:
    """True at most once per PAUSA_EMAIL_STESSO_INDIRIZZO for the same address (case-insensitive)."""
    return cache.add(_chiave_email(email), 1, timeout=PAUSA_EMAIL_STESSO_INDIRIZZO)


def attendi_turno(messaggi_al_secondo: float) -> None:
    """Block until the shared per-second budget lets one more message go (0 = no limit).

    One counter per wall-clock second in the cache, shared by every worker process: the provider's
    limit holds for the whole send, not per process.
    """
    if not messaggi_al_secondo:
        return
    if messaggi_al_secondo < 1:
        # Less than one per second: a slot every 1/rate seconds.
        periodo = 1 / messaggi_al_secondo
        while True:
            slot = int(time.time() / periodo)
            if cache.add(f"newsletter:ritmo:lento:{slot}", 1, timeout=int(periodo) + 5):
                return
            time.sleep(max(0.01, (slot + 1) * periodo - time.time()))
    limite = int(messaggi_al_secondo)
    while True:
        secondo = int(time.time())
        chiave = f"newsletter:ritmo:{secondo}"
        cache.add(chiave, 0, timeout=5)
        try:
            usati = cache.incr(chiave)
        except ValueError:
            continue
        if usati <= limite:
            return
        time.sleep(max(0.001, secondo + 1 - time.time()))
