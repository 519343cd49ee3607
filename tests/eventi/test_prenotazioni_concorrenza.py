"""Concurrent confirmations racing for the last places, through real separate database connections.

Each thread has its own Django connection (connections are per thread), so each confirmation runs in
its own PostgreSQL transaction; a barrier releases them together at the conditional UPDATE.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from eventi.models import DataEvento
from eventi.prenotazioni import services
from eventi.prenotazioni.models import Prenotazione
from tests.eventi.factories import evento_prenotabile, occupati

pytestmark = pytest.mark.django_db(transaction=True)

CONCORRENTI = 8


def _in_parallelo(funzioni) -> list:
    barriera = threading.Barrier(len(funzioni))
    errori: list = []

    def corri(f):
        try:
            barriera.wait()
            f()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errori.append(exc)
        finally:
            connection.close()  # the thread's own connection

    fili = [threading.Thread(target=corri, args=(f,)) for f in funzioni]
    for filo in fili:
        filo.start()
    for filo in fili:
        filo.join(60)
    return errori


def test_conferme_concorrenti_non_superano_mai_i_posti(con_dati_delle_migrazioni, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # 3 places left, 8 people confirming 1 place each at the same instant.
    evento = evento_prenotabile(posti=10, tipo="individuale", posti_per_prenotazione=7)
    prima = services.richiedi(evento, {"nome": "Gruppo", "email": "g@example.org", "posti": 7}, "it")
    services.conferma(prima.pk)
    ids = [
        services.richiedi(evento, {"nome": f"P{n}", "email": f"p{n}@example.org", "posti": 1}, "it").pk
        for n in range(CONCORRENTI)
    ]
    assert connection.connection is not None
    pid_principale = connection.connection.info.backend_pid
    pids: set[int] = set()

    def conferma(pk):
        def f():
            services.conferma(pk)
            pids.add(connection.connection.info.backend_pid)

        return f

    errori = _in_parallelo([conferma(pk) for pk in ids])
    assert not errori
    assert len(pids) == CONCORRENTI and pid_principale not in pids  # really separate connections
    evento.refresh_from_db()
    stati = list(Prenotazione.objects.filter(pk__in=ids).values_list("stato", flat=True))
    assert occupati(evento) == 10
    assert stati.count(Prenotazione.Stato.CONFERMATA) == 3
    assert stati.count(Prenotazione.Stato.IN_ATTESA) == CONCORRENTI - 3


def test_annullamenti_e_conferme_concorrenti_tengono_il_conto(con_dati_delle_migrazioni, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    evento = evento_prenotabile(posti=4, tipo="individuale")
    confermati = []
    for n in range(4):
        p = services.richiedi(evento, {"nome": "C", "email": f"c{n}@example.org", "posti": 1}, "it")
        services.conferma(p.pk)
        confermati.append(p.pk)
    nuovi = [
        services.richiedi(evento, {"nome": "N", "email": f"n{n}@example.org", "posti": 1}, "it").pk
        for n in range(4)
    ]
    lavori = [lambda pk=pk: services.annulla(pk) for pk in confermati[:2]]
    lavori += [lambda pk=pk: services.conferma(pk) for pk in nuovi]
    assert not _in_parallelo(lavori)
    evento.refresh_from_db()
    tenuti = Prenotazione.objects.filter(evento=evento, stato__in=["confermata", "offerta"])
    assert occupati(evento) == sum(tenuti.values_list("posti", flat=True)) == 4
    assert DataEvento.objects.filter(evento=evento, posti_occupati__lte=4).exists()


def test_conferme_concorrenti_su_due_date_ognuna_con_i_suoi_posti(con_dati_delle_migrazioni, settings):
    """Two dates of one event, 2 places each: 8 confirmations at once, half per date, never oversell a
    date and never borrow the other date's places."""
    from django.utils import timezone

    settings.CELERY_TASK_ALWAYS_EAGER = True
    base = timezone.now().replace(microsecond=0) + timedelta(days=10)
    evento = evento_prenotabile(
        posti=2,
        tipo="individuale",
        date=[
            (base, base + timedelta(hours=2)),
            (base + timedelta(days=7), base + timedelta(days=7, hours=2)),
        ],
    )
    prima, seconda = evento.date.all()
    ids = [
        services.richiedi(
            evento,
            {"nome": f"P{n}", "email": f"p{n}@example.org", "posti": 1, "data": (prima, seconda)[n % 2]},
            "it",
        ).pk
        for n in range(CONCORRENTI)
    ]
    errori = _in_parallelo([lambda pk=pk: services.conferma(pk) for pk in ids])
    assert not errori
    for data in (prima, seconda):
        data.refresh_from_db()
        confermate = Prenotazione.objects.filter(data=data, stato=Prenotazione.Stato.CONFERMATA)
        assert data.posti_occupati == sum(confermate.values_list("posti", flat=True)) == 2
        assert Prenotazione.objects.filter(data=data, stato=Prenotazione.Stato.IN_ATTESA).count() == 2


def test_il_bench_delle_prenotazioni_misura_e_lascia_i_dati_come_li_ha_trovati(
    con_dati_delle_migrazioni, settings, monkeypatch
):
    """`make bench`'s booking job on a small scale: figures, zero oversold, and its event deleted (the
    bookings protect their date: deleting the event alone raised ProtectedError and hid the figures)."""
    from bench import prenotazioni as bench
    from eventi.models import Evento

    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setattr(bench, "POSTI", 6)
    monkeypatch.setattr(bench, "RICHIESTE", 12)
    monkeypatch.setattr(bench, "THREAD", 4)
    figure = bench.concorrenza_prenotazioni()
    assert figure["esito"] == "PASS", figure
    assert (figure["confermate"], figure["lista d'attesa"], figure["posti venduti oltre la capienza"]) == (
        6,
        6,
        0,
    )
    assert figure["conferme/s"] > 0 and figure["p95 ms"] >= figure["p50 ms"] > 0
    assert not Evento.objects.filter(slug__startswith="bench-prenotazioni-").exists()
    assert not Prenotazione.objects.exists()


def test_il_bench_della_pagina_di_conferma_passa_dal_server(
    con_dati_delle_migrazioni, settings, monkeypatch, live_server
):
    """The same through HTTP: GET the mail's link for the CSRF token, POST the button, concurrently."""
    from bench import prenotazioni as bench
    from eventi.models import Evento

    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setattr(bench, "POSTI", 6)
    monkeypatch.setattr(bench, "RICHIESTE", 12)
    monkeypatch.setattr(bench, "THREAD", 4)
    figure = bench.conferme_dalla_pagina(live_server.url)
    assert figure["esito"] == "PASS", figure
    assert (figure["confermate"], figure["lista d'attesa"], figure["posti venduti oltre la capienza"]) == (
        6,
        6,
        0,
    )
    assert not Evento.objects.filter(slug__startswith="bench-prenotazioni-").exists()
