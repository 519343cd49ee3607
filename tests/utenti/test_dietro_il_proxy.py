"""Behind the proxy (alternanza/core/rete.py): one client's failures never lock out another, and the
limits that protect people — failed logins per e-mail and address with a notice to the owner, a few
password-reset mails per address per hour, role requests and page feedback throttled."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from alternanza.core.rete import ip_cliente
from alternanza.utenti.models import EventoSicurezza
from tests.factories import PASSWORD_TEST, UserFactory

pytestmark = pytest.mark.django_db

NGINX = "10.0.0.2"  # the proxy: REMOTE_ADDR of every request


@pytest.fixture
def dietro_nginx(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def _da(indirizzo: str) -> dict[str, str]:
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": indirizzo}


def test_ip_cliente_crede_solo_ai_proxy_fidati(settings):
    rf = RequestFactory()
    falsificato = rf.get("/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    assert ip_cliente(falsificato) == NGINX  # no trusted proxy configured: the header is ignored
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert ip_cliente(falsificato) == "198.51.100.7"  # the entry nginx appended, not the client's own
    assert ip_cliente(rf.get("/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="non-un-ip")) is None
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    assert ip_cliente(rf.get("/", REMOTE_ADDR=NGINX, HTTP_X_REAL_IP="203.0.113.9")) == "203.0.113.9"


def test_dieci_accessi_falliti_da_dieci_indirizzi_non_bloccano_il_titolare(client, dietro_nginx):
    titolare = UserFactory()
    for n in range(10):
        risposta = client.post(
            reverse("account_login"),
            {"login": titolare.email, "password": "sbagliata"},
            **_da(f"198.51.100.{n}"),
        )
        assert risposta.status_code == 200  # the form again, with its error
    risposta = client.post(
        reverse("account_login"), {"login": titolare.email, "password": PASSWORD_TEST}, **_da("203.0.113.50")
    )
    assert risposta.status_code == 302
    assert client.session.get("_auth_user_id") == str(titolare.pk)
    # The security log names each client, not the proxy.
    indirizzi = set(
        EventoSicurezza.objects.filter(tipo=EventoSicurezza.Tipo.ACCESSO_FALLITO).values_list("ip", flat=True)
    )
    assert NGINX not in indirizzi and len(indirizzi) == 10


def test_chi_insiste_da_un_indirizzo_e_fermato_e_il_titolare_avvisato_una_volta(client, dietro_nginx):
    titolare = UserFactory()
    for _ in range(6):
        risposta = client.post(
            reverse("account_login"),
            {"login": titolare.email, "password": "sbagliata"},
            **_da("198.51.100.9"),
        )
    assert "troppi" in risposta.content.decode().lower() or risposta.status_code == 429
    # Even the right password is refused from that address while the limit lasts...
    client.post(
        reverse("account_login"), {"login": titolare.email, "password": PASSWORD_TEST}, **_da("198.51.100.9")
    )
    assert "_auth_user_id" not in client.session
    # ...and the owner was told once (not once per failure).
    avvisi = [m for m in mail.outbox if "non riusciti" in m.subject]
    assert len(avvisi) == 1 and avvisi[0].to == [titolare.email]
    assert "verifica in due passaggi" in avvisi[0].body


def test_poche_email_di_reimpostazione_per_indirizzo_all_ora(client, dietro_nginx):
    titolare = UserFactory()
    for n in range(5):
        client.post(reverse("account_reset_password"), {"email": titolare.email}, **_da(f"198.51.100.{n}"))
    assert len(mail.outbox) == 3


def test_richieste_di_ruolo_limitate(client, dietro_nginx):
    utente = UserFactory()
    client.force_login(utente, backend="django.contrib.auth.backends.ModelBackend")
    for _ in range(10):
        client.post(reverse("utenti:richiedi_ruolo"), {"ruolo": "non-valido"}, **_da("198.51.100.1"))
    risposta = client.post(reverse("utenti:richiedi_ruolo"), {"ruolo": "non-valido"}, **_da("198.51.100.2"))
    assert risposta.status_code == 429
    assert "troppe richieste" in risposta.content.decode()


def test_valutazioni_di_pagina_limitate_per_indirizzo(client, dietro_nginx):
    from alternanza.pagine.models import ValutazionePagina

    for _ in range(35):
        client.post(reverse("valutazione"), {"pagina": "/", "voto": 4}, **_da("198.51.100.3"))
    client.post(reverse("valutazione"), {"pagina": "/", "voto": 4}, **_da("198.51.100.4"))
    assert ValutazionePagina.objects.count() == 31


def test_un_post_anonimo_di_50_mb_al_login_rifiutato_senza_leggerlo():
    from django.core.handlers.wsgi import WSGIHandler

    class CorpoCheNonSiLegge:
        letti = 0

        def read(self, *args):
            CorpoCheNonSiLegge.letti += 1
            return b"x" * 65536

        readline = read

    ambiente = RequestFactory()._base_environ(
        REQUEST_METHOD="POST",
        PATH_INFO=reverse("account_login"),
        CONTENT_TYPE="multipart/form-data; boundary=confine",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
        **{"wsgi.input": CorpoCheNonSiLegge()},
    )
    stato = []
    corpo = b"".join(WSGIHandler()(ambiente, lambda s, h: stato.append(s)))
    assert stato == ["413 Request Entity Too Large"]
    assert CorpoCheNonSiLegge.letti == 0 and b"troppo grande" in corpo


def test_la_ricerca_dell_organizzazione_in_registrazione_trova_solo_le_pubbliche():
    """The exact tax code of a private organisation answers "not found", like any unknown one."""
    from django import forms

    from alternanza.utenti.forms import trova_organizzazione
    from tests.factories import OrganizzazioneFactory

    pubblica = OrganizzazioneFactory(nome="Officine Felsinee", codice_fiscale="00743110157", pubblica=True)
    OrganizzazioneFactory(nome="Ceramiche Riservate", codice_fiscale="01234567897", pubblica=False)
    assert trova_organizzazione("00743110157") == pubblica
    for testo in ("01234567897", "Ceramiche Riservate", "Riservate"):
        with pytest.raises(forms.ValidationError) as errore:
            trova_organizzazione(testo)
        assert "Nessuna organizzazione corrisponde" in str(errore.value)
