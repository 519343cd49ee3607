"""Subscription: double opt-in by signed expiring link, preferences and unsubscribe by personal link,
no enumeration, anti-spam rate limits, consent records."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from distretti.models import AmbitoTematico, Distretto
from eventi.newsletter import consenso, limiti
from eventi.newsletter.models import AzioneConsenso, ConsensoRegistro, Iscritto, StatoIscritto
from eventi.newsletter.tokens import token_conferma, token_personale
from tests.newsletter.factories import IscrittoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def iscriviti(client, django_capture_on_commit_callbacks):
    """POST the subscribe form; the tasks enqueued on commit run (tests never commit)."""

    def _iscriviti(email="anna@example.org", ip="203.0.113.5", **extra):
        dati = {"email": email, "consenso": "on", "versione_consenso": consenso.VERSIONE, **extra}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("newsletter:iscrizione"), dati, REMOTE_ADDR=ip)

    return _iscriviti


def _link(messaggio, nome):
    percorso = reverse(f"newsletter:{nome}", kwargs={"token": "X"}).rsplit("X", 1)[0]
    trovato = re.search(re.escape(percorso) + r"([^/\s]+)/", messaggio.body)
    assert trovato, messaggio.body
    return trovato.group(1)


def test_iscrizione_crea_un_iscritto_in_attesa_e_invia_il_link_di_conferma(client, iscriviti):
    bologna = Distretto.objects.get(slug="bologna")
    ambito = AmbitoTematico.objects.first()
    risposta = iscriviti(distretti=[bologna.pk], ambiti=[ambito.pk])
    assert risposta.status_code == 302
    assert risposta["Location"] == reverse("newsletter:controlla_posta")
    iscritto = Iscritto.objects.get(email="anna@example.org")
    assert iscritto.stato == StatoIscritto.IN_ATTESA
    assert list(iscritto.distretti.all()) == [bologna]
    assert list(iscritto.ambiti.all()) == [ambito]
    richiesta = iscritto.consensi.get()
    assert richiesta.azione == AzioneConsenso.RICHIESTA
    assert richiesta.ip == "203.0.113.5"
    assert richiesta.versione_testo == consenso.VERSIONE
    assert len(mail.outbox) == 1
    messaggio = mail.outbox[0]
    assert messaggio.to == ["anna@example.org"]
    assert "Conferma" in messaggio.subject
    assert messaggio.alternatives and messaggio.alternatives[0][1] == "text/html"


def test_la_conferma_per_get_non_conferma_e_il_post_conferma_registrando_ip_e_versione(client, iscriviti):
    iscriviti()
    token = _link(mail.outbox[0], "conferma")
    url = reverse("newsletter:conferma", kwargs={"token": token})
    assert client.get(url).status_code == 200
    iscritto = Iscritto.objects.get(email="anna@example.org")
    assert iscritto.stato == StatoIscritto.IN_ATTESA  # a mail scanner following the link confirms nothing
    risposta = client.post(url, REMOTE_ADDR="198.51.100.7")
    assert risposta.status_code == 200
    iscritto.refresh_from_db()
    assert iscritto.stato == StatoIscritto.CONFERMATO
    assert iscritto.consenso_ip == "198.51.100.7"
    assert iscritto.consenso_versione == consenso.VERSIONE
    assert iscritto.consenso_il is not None
    conferma = iscritto.consensi.get(azione=AzioneConsenso.CONFERMA)
    assert conferma.ip == "198.51.100.7"
    assert conferma.versione_testo == consenso.VERSIONE


def test_il_link_di_conferma_scade_dopo_tre_giorni(client):
    iscritto = IscrittoFactory(stato=StatoIscritto.IN_ATTESA)
    with time_machine.travel(timezone.now() - dt.timedelta(days=3, minutes=5)):
        token = token_conferma(iscritto)
    risposta = client.post(reverse("newsletter:conferma", kwargs={"token": token}))
    assert risposta.status_code == 400
    assert "scaduto" in risposta.content.decode()
    iscritto.refresh_from_db()
    assert iscritto.stato == StatoIscritto.IN_ATTESA


def test_il_link_di_conferma_vale_ancora_poco_prima_della_scadenza(client):
    iscritto = IscrittoFactory(stato=StatoIscritto.IN_ATTESA)
    with time_machine.travel(timezone.now() - dt.timedelta(days=2, hours=23)):
        token = token_conferma(iscritto)
    assert client.post(reverse("newsletter:conferma", kwargs={"token": token})).status_code == 200
    iscritto.refresh_from_db()
    assert iscritto.stato == StatoIscritto.CONFERMATO


@pytest.mark.parametrize("nome", ["conferma", "preferenze", "disiscrizione"])
def test_un_link_manomesso_viene_rifiutato(client, nome):
    iscritto = IscrittoFactory(stato=StatoIscritto.IN_ATTESA)
    altro = IscrittoFactory()
    token = token_conferma(iscritto) if nome == "conferma" else token_personale(iscritto)
    valore, _sep, firma = token.rpartition(":")
    # Someone else's key with this subscriber's signature, and a flipped signature character.
    manomessi = [
        f"{altro.chiave.hex}:{firma}",
        valore + ":" + firma[:-1] + ("A" if firma[-1] != "A" else "B"),
    ]
    for falso in manomessi:
        url = reverse(f"newsletter:{nome}", kwargs={"token": falso})
        assert client.get(url).status_code == 400
        assert client.post(url).status_code == 400
    iscritto.refresh_from_db()
    assert iscritto.stato == StatoIscritto.IN_ATTESA
    assert not ConsensoRegistro.objects.filter(azione__in=["conferma", "revoca", "preferenze"]).exists()


def test_il_token_di_conferma_non_vale_come_link_personale_e_viceversa(client):
    iscritto = IscrittoFactory(stato=StatoIscritto.IN_ATTESA)
    url = reverse("newsletter:disiscrizione", kwargs={"token": token_conferma(iscritto)})
    assert client.post(url).status_code == 400
    url = reverse("newsletter:conferma", kwargs={"token": token_personale(iscritto)})
    assert client.post(url).status_code == 400


def test_indirizzi_non_validi_o_usa_e_getta_sono_rifiutati_con_un_messaggio_chiaro(client, iscriviti):
    risposta = iscriviti(email="non-un-indirizzo")
    assert risposta.status_code == 200
    assert (
        "e-mail valido" in risposta.content.decode() or "indirizzo email valido" in risposta.content.decode()
    )
    risposta = iscriviti(email="qualcuno@mailinator.com")
    assert risposta.status_code == 200
    assert "usa e getta" in risposta.content.decode()
    risposta = iscriviti(email="qualcuno@posta.mailinator.com")  # subdomain of a listed domain
    assert "usa e getta" in risposta.content.decode()
    assert not Iscritto.objects.exists()
    assert not mail.outbox


def test_senza_consenso_non_ci_si_iscrive(client):
    risposta = client.post(
        reverse("newsletter:iscrizione"),
        {"email": "anna@example.org", "versione_consenso": consenso.VERSIONE},
    )
    assert risposta.status_code == 200
    assert "acconsentire" in risposta.content.decode()
    assert not Iscritto.objects.exists()


def test_una_versione_del_consenso_diversa_da_quella_corrente_viene_rifiutata(client):
    risposta = client.post(
        reverse("newsletter:iscrizione"),
        {"email": "anna@example.org", "consenso": "on", "versione_consenso": "2019-vecchia"},
    )
    assert risposta.status_code == 200
    assert not Iscritto.objects.exists()


def test_la_risposta_non_rivela_se_un_indirizzo_e_gia_iscritto(client, iscriviti):
    IscrittoFactory(email="gia@example.org")
    nuova = iscriviti(email="nuovo@example.org", ip="203.0.113.1")
    esistente = iscriviti(email="GIA@example.org", ip="203.0.113.2")
    assert nuova.status_code == esistente.status_code == 302
    assert nuova["Location"] == esistente["Location"]
    pagine = [client.get(r["Location"]).content.decode() for r in (nuova, esistente)]
    senza_csrf = [re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", p) for p in pagine]
    assert senza_csrf[0] == senza_csrf[1]
    # The confirmed address keeps its state: nobody can change a subscription without its links.
    assert Iscritto.objects.get(email="gia@example.org").stato == StatoIscritto.CONFERMATO
    assert Iscritto.objects.count() == 2


def test_un_indirizzo_gia_confermato_riceve_solo_i_suoi_link_personali(client, iscriviti):
    iscritto = IscrittoFactory(email="gia@example.org")
    iscriviti(email="gia@example.org")
    assert len(mail.outbox) == 1
    assert "già iscritto" in mail.outbox[0].subject
    assert token_personale(iscritto) in mail.outbox[0].body
    assert "/newsletter/conferma/" not in mail.outbox[0].body


def test_richieste_ripetute_per_lo_stesso_indirizzo_inviano_un_solo_messaggio(client, iscriviti):
    adesso = timezone.now()
    with time_machine.travel(adesso, tick=False):
        for ip in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
            assert iscriviti(email="anna@example.org", ip=ip).status_code == 302
        assert iscriviti(email="ANNA@example.org", ip="203.0.113.4").status_code == 302
    assert len(mail.outbox) == 1
    assert Iscritto.objects.count() == 1


def test_il_blocco_per_indirizzo_dura_10_minuti_nella_cache_condivisa(iscriviti):
    from django.core.cache import cache

    iscriviti(email="anna@example.org")
    chiave = cache.make_and_validate_key(limiti._chiave_email("anna@example.org"))
    durata = cache._cache.get_client(chiave).ttl(chiave)  # Redis TTL of the per-address lock
    assert limiti.PAUSA_EMAIL_STESSO_INDIRIZZO - 5 <= durata <= limiti.PAUSA_EMAIL_STESSO_INDIRIZZO
    assert "anna" not in chiave  # no personal data in cache keys
    cache.delete(limiti._chiave_email("anna@example.org"))  # what Redis does when the 10 minutes pass
    iscriviti(email="anna@example.org")
    assert len(mail.outbox) == 2


def test_troppe_richieste_dallo_stesso_ip_vengono_fermate(client, iscriviti):
    for n in range(limiti.RICHIESTE_PER_IP_ORA):
        assert iscriviti(email=f"persona{n}@example.org", ip="203.0.113.9").status_code == 302
    risposta = iscriviti(email="ancora@example.org", ip="203.0.113.9")
    assert risposta.status_code == 429
    assert not Iscritto.objects.filter(email="ancora@example.org").exists()
    # Another IP is not affected.
    assert iscriviti(email="altra@example.org", ip="203.0.113.10").status_code == 302


def test_le_preferenze_si_cambiano_con_il_link_personale_e_restano_nel_registro(client):
    iscritto = IscrittoFactory()
    imola = Distretto.objects.get(slug="imola")
    url = reverse("newsletter:preferenze", kwargs={"token": token_personale(iscritto)})
    assert client.get(url).status_code == 200
    risposta = client.post(url, {"distretti": [imola.pk]}, REMOTE_ADDR="192.0.2.4")
    assert risposta.status_code == 302
    assert list(iscritto.distretti.all()) == [imola]
    registro = iscritto.consensi.get(azione=AzioneConsenso.PREFERENZE)
    assert registro.ip == "192.0.2.4"


def test_la_pagina_di_disiscrizione_chiede_conferma_e_il_post_disiscrive(client):
    iscritto = IscrittoFactory()
    url = reverse("newsletter:disiscrizione", kwargs={"token": token_personale(iscritto)})
    assert client.get(url).status_code == 200
    iscritto.refresh_from_db()
    assert iscritto.stato == StatoIscritto.CONFERMATO
    assert client.post(url, REMOTE_ADDR="192.0.2.8").status_code == 200
    iscritto.refresh_from_db()
    assert iscritto.stato == StatoIscritto.DISISCRITTO
    assert iscritto.disiscritto_il is not None
    revoca = iscritto.consensi.get(azione=AzioneConsenso.REVOCA)
    assert revoca.ip == "192.0.2.8"


def test_one_click_get_non_disiscrive_mai(client):
    iscritto = IscrittoFactory()
    url = reverse("newsletter_one_click", kwargs={"token": token_personale(iscritto)})
    risposta = client.get(url)
    assert risposta.status_code == 200
    assert "<form" in risposta.content.decode()
    iscritto.refresh_from_db()
    assert iscritto.stato == StatoIscritto.CONFERMATO


def test_one_click_post_senza_login_ne_csrf_disiscrive_ed_e_idempotente():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    iscritto = IscrittoFactory()
    url = reverse("newsletter_one_click", kwargs={"token": token_personale(iscritto)})
    assert not url.startswith("/en/")
    for _volta in range(3):
        risposta = client.post(url, {"List-Unsubscribe": "One-Click"})
        assert risposta.status_code == 200
    iscritto.refresh_from_db()
    assert iscritto.stato == StatoIscritto.DISISCRITTO
    assert iscritto.consensi.filter(azione=AzioneConsenso.REVOCA).count() == 1


def test_one_click_con_token_falso_non_disiscrive_nessuno():
    from django.test import Client

    iscritto = IscrittoFactory()
    url = reverse("newsletter_one_click", kwargs={"token": iscritto.chiave.hex + ":falso"})
    assert Client(enforce_csrf_checks=True).post(url).status_code == 400
    iscritto.refresh_from_db()
    assert iscritto.stato == StatoIscritto.CONFERMATO


def test_la_pagina_di_disiscrizione_normale_richiede_il_token_csrf():
    from django.test import Client

    iscritto = IscrittoFactory()
    url = reverse("newsletter:disiscrizione", kwargs={"token": token_personale(iscritto)})
    assert Client(enforce_csrf_checks=True).post(url).status_code == 403


def test_un_disiscritto_che_si_riscrive_deve_confermare_di_nuovo(client, iscriviti):
    iscritto = IscrittoFactory(email="anna@example.org", stato=StatoIscritto.DISISCRITTO)
    iscriviti()
    iscritto.refresh_from_db()
    assert iscritto.stato == StatoIscritto.IN_ATTESA
    assert "Conferma" in mail.outbox[0].subject


def test_email_unica_senza_distinzione_tra_maiuscole_e_minuscole():
    from django.db import IntegrityError, transaction

    IscrittoFactory(email="Anna@Example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        IscrittoFactory(email="anna@example.org")


def test_modulo_di_iscrizione_in_inglese(client):
    from django.utils import translation

    with translation.override("en"):
        url = reverse("newsletter:iscrizione")
    assert url.startswith("/en/")
    testo = client.get(url).content.decode()
    assert "Subscribe to the newsletter" in testo
    assert "Iscriviti alla newsletter" not in testo
