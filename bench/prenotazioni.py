"""Bench of the Festival bookings: concurrent confirmations racing for the places of one event.

Run by `make bench` (listed in bench/lavori.py) on the bench database: 8 threads, each with its own
PostgreSQL connection, confirm 2x more bookings than the event has places, through the real service
(eventi.prenotazioni.services.conferma: row lock on the booking, one conditional UPDATE on the event,
mails and cache invalidation on commit). Figures: confirmations per second, p50/p95 latency of one
confirmation, and the oversold count, which must be 0. The event and its bookings are deleted at the end.
"""

from __future__ import annotations

import statistics
import threading
import time
from datetime import timedelta

POSTI = 300
RICHIESTE = 2 * POSTI
THREAD = 8  # each with its own PostgreSQL connection: the shared server has a few dozen


def concorrenza_prenotazioni() -> dict:
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from distretti.models import Comune
    from eventi.models import DataEvento, Evento, StatoEvento
    from eventi.prenotazioni import services
    from eventi.prenotazioni.models import Prenotazione

    inizio = timezone.now() + timedelta(days=30)
    evento = Evento.objects.create(
        titolo="Bench prenotazioni",
        slug=f"bench-prenotazioni-{int(time.time())}",
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
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            ids = [
                services.richiedi(
                    evento, {"nome": f"P{n}", "email": f"p{n}@bench.example.org", "posti": 1}, "it"
                ).pk
                for n in range(RICHIESTE)
            ]
            coda = list(ids)
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
                            pk = coda.pop()
                        t0 = time.perf_counter()
                        services.conferma(pk)
                        durata = time.perf_counter() - t0
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
            secondi = time.perf_counter() - t0
        evento.refresh_from_db()
        confermate = Prenotazione.objects.filter(evento=evento, stato="confermata").count()
        in_attesa = Prenotazione.objects.filter(evento=evento, stato="in_attesa").count()
        tempi.sort()
        tenuti = evento.date.get().posti_occupati
        oltre = max(0, confermate - POSTI) + max(0, tenuti - POSTI)
        return {
            "posti": POSTI,
            "conferme concorrenti": RICHIESTE,
            "thread": THREAD,
            "conferme/s": round(len(tempi) / secondi, 1),
            "p50 ms": round(statistics.median(tempi) * 1000, 1),
            "p95 ms": round(tempi[int(len(tempi) * 0.95) - 1] * 1000, 1),
            "confermate": confermate,
            "lista d'attesa": in_attesa,
            "posti venduti oltre la capienza": oltre,
            "esito": "PASS" if oltre == 0 and not errori and confermate == POSTI else f"FAIL {errori[:2]}",
        }
    finally:
        # Bookings first: a booking protects its date (PROTECT), so the event alone cannot be deleted.
        Prenotazione.objects.filter(evento=evento).delete()
        evento.delete()
