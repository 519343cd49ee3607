"""MFA enforcement, login throttling, session timeouts and ending sessions, the security log."""

import logging
import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core import mail
from django.test import Client
from django.urls import reverse

from alternanza.utenti.models import EventoSicurezza, SessioneUtente
from tests.conftest import entra
from tests.factories import PASSWORD_TEST, staff_cm, ufficio_distretto

pytestmark = pytest.mark.django_db


def _accedi(client, email, password=PASSWORD_TEST):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _codice_totp(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.parametrize("crea", [staff_cm, ufficio_distretto], ids=["staff", "ufficio"])
def test_staff_e_uffici_senza_mfa_devono_configurarla_prima_di_tutto(client, crea, distretto_a):
    utente = crea(mfa=False) if crea is staff_cm else crea(distretto_a, mfa=False)
    entra(client, utente)
    for url in [reverse("home"), reverse("utenti:profilo"), reverse("distretti:elenco")]:
        risposta = client.get(url)
        assert risposta.status_code == 302, url
        assert risposta["Location"] == reverse("mfa_activate_totp")
    # The way out and the MFA pages stay reachable.
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_logout")).status_code == 200


def test_referente_scolastico_non_e_obbligato_alla_mfa(client, referente_a):
    entra(client, referente_a)
    assert client.get(reverse("home")).status_code == 200


def test_attivando_la_totp_lo_staff_entra_nel_portale(client):
    utente = staff_cm(mfa=False)
    assert _accedi(client, utente.email).status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before a security change: that page stays reachable.
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD_TEST}).status_code == 302
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    risposta = client.post(reverse("mfa_activate_totp"), {"code": _codice_totp(secret)})
    assert risposta.status_code == 302
    assert Authenticator.objects.filter(user=utente, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home")).status_code == 200


def test_troppi_accessi_falliti_bloccano_anche_la_password_giusta(client, referente_a):
    for _ in range(5):
        risposta = _accedi(client, referente_a.email, "password-sbagliata")
        assert risposta.status_code == 200
    risposta = _accedi(client, referente_a.email)
    assert risposta.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "troppi" in risposta.content.decode().lower() or "too many" in risposta.content.decode().lower()
    assert (
        EventoSicurezza.objects.filter(tipo="accesso_fallito", identificativo=referente_a.email).count() == 5
    )


def test_accesso_riuscito_e_fallito_finiscono_nel_registro(client, referente_a, caplog):
    with caplog.at_level(logging.INFO, logger="alternanza.security"):
        _accedi(client, referente_a.email, "password-sbagliata")
        _accedi(client, referente_a.email)
    tipi = list(EventoSicurezza.objects.order_by("creato_il").values_list("tipo", flat=True))
    assert tipi == ["accesso_fallito", "accesso"]
    assert "accesso_fallito" in caplog.text and "password-sbagliata" not in caplog.text


def test_autorizzazione_negata_registrata(client, referente_a):
    entra(client, referente_a)
    assert client.get(reverse("utenti:richieste")).status_code == 403
    evento = EventoSicurezza.objects.get(tipo="negato")
    assert evento.utente == referente_a and evento.percorso == reverse("utenti:richieste")


def test_sessione_scade_dopo_il_tempo_assoluto_anche_se_attiva(client, referente_a, settings):
    settings.SESSION_ABSOLUTE_TIMEOUT = 30 * 60
    with time_machine.travel("2026-11-24 09:00 +0000", tick=False) as viaggio:
        entra(client, referente_a)
        for _ in range(3):  # active every 10 minutes: the inactivity timeout never triggers
            viaggio.shift(10 * 60)
            assert client.get(reverse("utenti:profilo")).status_code == 200
        viaggio.shift(10 * 60 + 1)
        risposta = client.get(reverse("utenti:profilo"))
        assert risposta.status_code == 302 and risposta["Location"].startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session


def test_cambio_password_chiude_le_altre_sessioni(client, django_user_model, referente_a):
    from django.test import Client

    altro = Client()
    entra(altro, referente_a)
    _accedi(client, referente_a.email)
    risposta = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD_TEST,
            "password1": "nuova-password-lunga-2026",
            "password2": "nuova-password-lunga-2026",
        },
    )
    assert risposta.status_code == 302
    assert client.get(reverse("utenti:profilo")).status_code == 200
    assert altro.get(reverse("utenti:profilo")).status_code == 302
    assert SessioneUtente.objects.filter(utente=referente_a).count() == 1


def test_attivare_la_mfa_chiude_le_altre_sessioni(client, referente_a, django_capture_on_commit_callbacks):
    from django.test import Client

    altro = Client()
    entra(altro, referente_a)
    _accedi(client, referente_a.email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD_TEST})
    client.get(reverse("mfa_activate_totp"))
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals the new authenticator on commit
        client.post(reverse("mfa_activate_totp"), {"code": _codice_totp(client.session[SECRET_SESSION_KEY])})
    assert Authenticator.objects.filter(user=referente_a).exists()
    assert client.get(reverse("utenti:profilo")).status_code == 200
    assert altro.get(reverse("utenti:profilo")).status_code == 302


def test_staff_chiude_tutte_le_sessioni_di_un_utente(client, staff, referente_a):
    from django.test import Client

    primo, secondo = Client(), Client()
    entra(primo, referente_a)
    entra(secondo, referente_a)
    entra(client, staff)
    risposta = client.post(reverse("utenti:chiudi_sessioni", kwargs={"pk": referente_a.pk}))
    assert risposta.status_code == 302
    for c in (primo, secondo):
        assert c.get(reverse("utenti:profilo")).status_code == 302
    assert client.get(reverse("utenti:profilo")).status_code == 200
    assert EventoSicurezza.objects.filter(tipo="sessioni_chiuse", utente=referente_a).exists()


def test_login_dell_admin_passa_per_allauth(client):
    risposta = client.get(reverse("admin:login"))
    assert risposta.status_code == 302
    assert risposta["Location"].startswith(reverse("account_login"))


def test_elenco_utenti_con_numero_di_query_costante(
    client, staff, referente_a, referente_b, django_assert_max_num_queries
):
    entra(client, staff)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("utenti:utenti")).status_code == 200


def test_registrazione_con_email_esistente_non_rivela_l_account(client, referente_a, scuola_a):
    dati = {
        "first_name": "X",
        "last_name": "Y",
        "password1": "una-password-robusta-2026",
        "password2": "una-password-robusta-2026",
        "ruolo": "scuola",
        "scuola": scuola_a.codice_meccanografico,
    }
    esistente = client.post(reverse("account_signup"), {**dati, "email": referente_a.email})
    nuovo = Client().post(reverse("account_signup"), {**dati, "email": "mai.vista@example.org"})
    assert esistente.status_code == nuovo.status_code == 302
    assert esistente["Location"] == nuovo["Location"]
    # The owner of the address is told by e-mail; no second account, no new role request.
    assert referente_a.incarichi.count() == 1
    assert any(m.to == [referente_a.email] for m in mail.outbox)


def test_reset_password_risponde_uguale_per_indirizzi_sconosciuti(client, referente_a):
    noto = client.post(reverse("account_reset_password"), {"email": referente_a.email})
    ignoto = client.post(reverse("account_reset_password"), {"email": "nessuno@example.org"})
    assert noto.status_code == ignoto.status_code == 302
    assert noto["Location"] == ignoto["Location"]


def test_reset_della_password_chiude_tutte_le_sessioni(client, referente_a):
    import re

    collegato = Client()
    entra(collegato, referente_a)
    client.post(reverse("account_reset_password"), {"email": referente_a.email})
    link = re.search(r"https?://[^/\s]+(/\S*/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    risposta = client.get(link, follow=True)
    nuova = "nuova-password-lunga-2026"
    risposta = client.post(risposta.redirect_chain[-1][0], {"password1": nuova, "password2": nuova})
    assert risposta.status_code == 302
    assert collegato.get(reverse("utenti:profilo")).status_code == 302
    assert not SessioneUtente.objects.filter(utente=referente_a).exists()


def test_codice_mfa_sbagliato_registrato(client, staff):
    risposta = _accedi(client, staff.email)
    assert risposta["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert EventoSicurezza.objects.filter(tipo="accesso_fallito", utente=staff, dettaglio="mfa").exists()
    assert "_auth_user_id" not in client.session


def test_ruolo_staff_approvato_nell_admin_da_accesso_all_admin(scuola_a):
    from distretti.models import Incarico, StatoIncarico
    from tests.factories import UserFactory

    utente = UserFactory()
    incarico = Incarico.objects.create(utente=utente, ruolo=Incarico.Ruolo.STAFF)
    utente.refresh_from_db()
    assert not utente.is_staff
    incarico.stato = StatoIncarico.APPROVATO
    incarico.save()
    utente.refresh_from_db()
    assert utente.is_staff
