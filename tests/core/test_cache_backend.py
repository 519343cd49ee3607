"""The cache fails open: with a Redis of the test's own stopped or frozen, public pages and logins answer.

Each test starts its own redis-server on a free port (the suite's shared Redis is never touched), points
the cache at it, then stops it (SIGTERM) or freezes it (SIGSTOP). The elapsed-time bounds below are hang
detectors (a frozen Redis without socket timeouts hangs a request for 30 s and more), not speed targets.
"""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from alternanza.core import cache_backend
from tests.factories import UserFactory

PAGINE_PUBBLICHE = ["home", "eventi:festival", "progetti:vetrina", "distretti:elenco"]


def _pagine_rispondono(client) -> None:
    for nome in PAGINE_PUBBLICHE:
        assert client.get(reverse(nome)).status_code == 200, nome


def _accesso(client) -> None:
    utente = UserFactory(email="lucia@example.org")
    utente.set_password("una-password-lunga-2026")
    utente.save()
    risposta = client.post(
        reverse("account_login"), {"login": "lucia@example.org", "password": "una-password-lunga-2026"}
    )
    assert risposta.status_code == 302, risposta.content[:500]
    assert client.get(reverse("utenti:profilo")).status_code == 200


@pytest.mark.django_db
def test_con_redis_fermo_le_pagine_pubbliche_e_l_accesso_rispondono(client, redis_proprio, caplog):
    _pagine_rispondono(client)  # fills the cache
    assert cache.get_many(["una-chiave"]) == {}
    redis_proprio.ferma()
    inizio = time.monotonic()
    _pagine_rispondono(client)
    _accesso(client)
    trascorsi = time.monotonic() - inizio
    assert trascorsi < 10
    avvisi = [r for r in caplog.records if r.name == "alternanza.core.cache_backend"]
    # dozens of cache calls, one warning per pause (a loaded machine may span more than one pause)
    assert 1 <= len(avvisi) <= 1 + int(trascorsi / cache_backend.PAUSA), "one warning per pause"


@pytest.mark.django_db
def test_con_redis_congelato_nessuna_richiesta_resta_appesa_e_la_cache_riprende(client, redis_proprio):
    _pagine_rispondono(client)
    redis_proprio.congela()
    inizio = time.monotonic()
    _pagine_rispondono(client)
    _accesso(client)
    assert time.monotonic() - inizio < 10  # a socket timeout (0.5 s) once per pause, not 30 s per call
    assert cache_backend.redis_assente()
    redis_proprio.scongela()
    time.sleep(cache_backend.PAUSA + 0.1)
    cache.set("ripresa", 1)
    assert cache.get("ripresa") == 1
    assert not cache_backend.redis_assente()


@pytest.mark.django_db
def test_i_limiti_nella_cache_lasciano_passare_mentre_redis_manca(redis_proprio):
    from eventi.newsletter import limiti

    redis_proprio.ferma()
    assert cache.add("chiave", 1) is True
    assert cache.incr("contatore") == 0
    assert cache.get("chiave", "predefinito") == "predefinito"
    limiti.attendi_turno(10)  # returns (the per-second budget is not enforced without Redis)


def _somma(testo: str, nome: str) -> float:
    """The sum of a counter's samples over its labels, in Prometheus' text format."""
    return sum(
        float(riga.rsplit(" ", 1)[1])
        for riga in testo.splitlines()
        if riga.startswith(nome) and riga[len(nome) : len(nome) + 1] in ("{", " ")
    )


@pytest.mark.django_db
def test_gli_errori_della_cache_sono_contati_nelle_metriche(client, redis_proprio, settings):
    settings.METRICS_TOKEN = "token-di-prova-delle-metriche"

    def metriche() -> str:
        risposta = client.get("/metriche", HTTP_AUTHORIZATION="Bearer token-di-prova-delle-metriche")
        assert risposta.status_code == 200
        return risposta.content.decode()

    errori, saltate = "portale_cache_errori_total", "portale_cache_saltate_total"
    prima = metriche()
    _pagine_rispondono(client)
    assert _somma(metriche(), errori) == _somma(prima, errori)  # Redis up: nothing counted
    redis_proprio.ferma()
    inizio = time.monotonic()
    _pagine_rispondono(client)
    trascorsi = time.monotonic() - inizio
    dopo = metriche()
    nuovi_errori = _somma(dopo, errori) - _somma(prima, errori)
    # one error per pause (the calls in between are answered without trying, and counted as such)
    assert 1 <= nuovi_errori <= 1 + int(trascorsi / cache_backend.PAUSA)
    assert _somma(dopo, saltate) - _somma(prima, saltate) >= len(PAGINE_PUBBLICHE) - nuovi_errori
