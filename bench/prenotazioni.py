"""Bench of the Festival bookings: concurrent confirmations racing for the places of one event.

Run by `make bench` on the bench database, in two ways, each on a fresh event with 300 places and 600
pending bookings, deleted at the end:

- `concorrenza_prenotazioni` (a job of bench/lavori.py): 8 threads, each with its own PostgreSQL
  connection, call the real service (eventi.prenotazioni.services.conferma: row lock on the booking, one
  conditional UPDATE on the date, mails and cache invalidation on commit);
- `conferme_dalla_pagina` (run by bench/run.py while gunicorn is up): the booking page under load, as
  people use it: 8 clients open the confirmation link of their mail (GET, which gives the CSRF token)
  and press "Confermo la prenotazione" (POST) against gunicorn (2 sync workers, DEBUG off).

Figures: confirmations per second (over the whole run), p50/p95 latency of one confirmation, and the
oversold count, which must be 0.
"""

from __future__ import annotations

import http.cookies
import re
import statistics
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import timedelta

POSTI = 300
RICHIESTE = 2 * POSTI
THREAD = 8  # each with its own PostgreSQL connection: the shared server has a few dozen


def _evento_con_richieste():
    """A published event booked on the portal with RICHIESTE bookings waiting for their confirmation."""
    from django.test.utils import override_settings
    from django.utils import timezone

    from distretti.models import Comune
    from eventi.models import DataEvento, Evento, StatoEvento
    from eventi.prenotazioni import services

    inizio = timezone.now() + timedelta(days=30)
    evento = Evento.objects.create(
        titolo="Bench prenotazioni",
        slug=f"bench-prenotazioni-{time.time_ns()}",
        inizio=inizio,
        fine=inizio + timedelta(hours=2),
        comune=Comune.objects.order_by("pk").first(),
        descrizione="<p>Bench.</p>",
        immagine="festival/eventi/bench.jpg",
        immagine_alt="bench",
        stato=StatoEvento.PUBBLICATO,
        prenotazione=Evento.Prenotazione.PORTALE,
        posti=POSTI,
    )
    DataEvento.objects.create(evento=evento, inizio=evento.inizio, fine=evento.fine)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        richieste = [
            services.richiedi(evento, {"nome": f"P{n}", "email": f"p{n}@bench.example.org", "posti": 1}, "it")
            for n in range(RICHIESTE)
        ]
    return evento, richieste


def _in_parallelo(lavori: list, conferma: Callable) -> tuple[list[float], list[str], float]:
    """THREAD threads take jobs from `lavori` and time `conferma(lavoro)`: durations, errors, seconds."""
    from django.db import connection

    coda = list(lavori)
    lucchetto = threading.Lock()
    tempi: list[float] = []
    errori: list[str] = []
    barriera = threading.Barrier(THREAD)

    def lavora() -> None:
        try:
            barriera.wait()
            while True:
                with lucchetto:
                    if not coda:
                        return
                    lavoro = coda.pop()
                durata = conferma(lavoro)
                with lucchetto:
                    tempi.append(durata)
        except Exception as exc:  # noqa: BLE001 - reported in the figures
            errori.append(repr(exc))
        finally:
            connection.close()

    fili = [threading.Thread(target=lavora) for _ in range(THREAD)]
    t0 = time.perf_counter()
    for filo in fili:
        filo.start()
    for filo in fili:
        filo.join()
    return tempi, errori, time.perf_counter() - t0


def _figure(evento, tempi: list[float], errori: list[str], secondi: float) -> dict:
    from eventi.prenotazioni.models import Prenotazione

    confermate = Prenotazione.objects.filter(evento=evento, stato="confermata").count()
    in_attesa = Prenotazione.objects.filter(evento=evento, stato="in_attesa").count()
    tempi = sorted(tempi) or [0.0]
    tenuti = evento.date.get().posti_occupati
    oltre = max(0, confermate - POSTI) + max(0, tenuti - POSTI)
    return {
        "posti": POSTI,
        "conferme concorrenti": RICHIESTE,
        "thread": THREAD,
        "conferme/s": round(len(tempi) / secondi, 1),
        "p50 ms": round(statistics.median(tempi) * 1000, 1),
        "p95 ms": round(tempi[max(0, int(len(tempi) * 0.95) - 1)] * 1000, 1),
        "confermate": confermate,
        "lista d'attesa": in_attesa,
        "posti venduti oltre la capienza": oltre,
        "esito": "PASS" if oltre == 0 and not errori and confermate == POSTI else f"FAIL {errori[:2]}",
    }


def _elimina(evento) -> None:
    from eventi.prenotazioni.models import Prenotazione

    # Bookings first: a booking protects its date (PROTECT), so the event alone cannot be deleted.
    Prenotazione.objects.filter(evento=evento).delete()
    evento.delete()


def concorrenza_prenotazioni() -> dict:
    """The service under concurrent confirmations, each thread with its own database connection."""
    from django.test.utils import override_settings

    from eventi.prenotazioni import services

    evento, richieste = _evento_con_richieste()
    try:

        def conferma(pk: int) -> float:
            t0 = time.perf_counter()
            services.conferma(pk)
            return time.perf_counter() - t0

        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            tempi, errori, secondi = _in_parallelo([p.pk for p in richieste], conferma)
        return _figure(evento, tempi, errori, secondi)
    finally:
        _elimina(evento)


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def conferme_dalla_pagina(base: str) -> dict:
    """The confirmation page under load through gunicorn at `base`: GET the mail's link, POST the button;
    the POST (the booking decision, racing for the places) is what is timed."""
    from django.urls import reverse

    from eventi.prenotazioni import tokens

    evento, richieste = _evento_con_richieste()
    try:
        percorsi = [
            reverse("eventi:prenotazione_conferma", args=[tokens.token_conferma(p)]) for p in richieste
        ]

        def conferma(percorso: str) -> float:
            with urllib.request.urlopen(base + percorso, timeout=60) as risposta:  # noqa: S310 - our server
                pagina = risposta.read().decode()
                biscotti = http.cookies.SimpleCookie()
                for intestazione in risposta.headers.get_all("Set-Cookie") or []:
                    biscotti.load(intestazione)
            trovato = _CSRF.search(pagina)
            if not trovato or "csrftoken" not in biscotti:
                raise RuntimeError(f"no CSRF token on {percorso}")
            richiesta = urllib.request.Request(  # noqa: S310 - our server
                base + percorso,
                data=urllib.parse.urlencode({"csrfmiddlewaretoken": trovato.group(1)}).encode(),
                headers={"Cookie": f"csrftoken={biscotti['csrftoken'].value}"},
            )
            t0 = time.perf_counter()
            with urllib.request.urlopen(richiesta, timeout=60) as risposta:  # noqa: S310 - our server
                risposta.read()
                if risposta.status != 200:  # the redirect to the personal page, followed
                    raise RuntimeError(f"HTTP {risposta.status} on {percorso}")
            return time.perf_counter() - t0

        tempi, errori, secondi = _in_parallelo(percorsi, conferma)
        return _figure(evento, tempi, errori, secondi)
    finally:
        _elimina(evento)
