"""GDPR: export of everything about the user, deletion that keeps the records they edited."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from alternanza.utenti.gdpr import campi_verso_utente
from alternanza.utenti.models import EventoSicurezza
from distretti.models import Incarico, StatoIncarico
from tests.conftest import entra
from tests.factories import PASSWORD_TEST, IncaricoFactory

pytestmark = pytest.mark.django_db

# Models that are the user's own personal data: they go with the account (CASCADE is right for them).
DATI_PERSONALI = {
    "admin.LogEntry.user",
    "account.EmailAddress.user",
    "mfa.Authenticator.user",
    "usersessions.UserSession.user",
    "socialaccount.SocialAccount.user",
    "distretti.Incarico.utente",
    "partnership.ReferenteOrganizzazione.utente",
    "utenti.SessioneUtente.utente",
    "utenti.Preferenze.utente",
    "utenti.OrganizzazioneInAttesa.utente",  # what the person typed at signup, pending their verification
    "spid.IdentitaSpid.utente",  # the hashed fiscal number linking SPID to the account: the user's own
}


def test_esportazione_json_contiene_account_ruoli_email_e_accessi(client, referente_a, scuola_a, staff):
    client.post(reverse("account_login"), {"login": referente_a.email, "password": PASSWORD_TEST})
    risposta = client.get(reverse("utenti:esporta_dati"))
    assert risposta.status_code == 200
    assert risposta["Content-Type"].startswith("application/json")
    assert "attachment" in risposta["Content-Disposition"]
    dati = json.loads(risposta.content)
    assert dati["account"]["email"] == "referente_a@example.org"
    assert dati["indirizzi_email"] == [
        {"email": "referente_a@example.org", "verificato": True, "principale": True}
    ]
    assert dati["ruoli"][0]["scuola"] == scuola_a.codice_meccanografico
    assert [e["evento"] for e in dati["registro_accessi"]] == ["accesso"]
    assert len(dati["sessioni"]) == 1


def test_esportazione_elenca_i_record_decisi_dall_utente(client, staff, scuola_a):
    deciso = IncaricoFactory(scuola=scuola_a, deciso_da=staff)
    entra(client, staff)
    dati = json.loads(client.get(reverse("utenti:esporta_dati")).content)
    assert dati["record_collegati"]["distretti.Incarico.deciso_da"] == [deciso.pk]
    assert "secret" not in json.dumps(dati["verifica_in_due_passaggi"])


def test_eliminazione_richiede_la_password(client, referente_a):
    entra(client, referente_a)
    risposta = client.post(reverse("utenti:elimina_account"), {"password": "sbagliata", "conferma": "on"})
    assert risposta.status_code == 200
    assert get_user_model().objects.filter(pk=referente_a.pk).exists()


def test_eliminazione_cancella_i_dati_personali_ma_non_i_record_modificati(client, staff, scuola_a):
    decisione = IncaricoFactory(scuola=scuola_a, deciso_da=staff, deciso_da_nome="")
    staff.first_name, staff.last_name = "Maria", "Verdi"
    staff.save()
    entra(client, staff)
    risposta = client.post(reverse("utenti:elimina_account"), {"password": PASSWORD_TEST, "conferma": "on"})
    assert risposta.status_code == 302
    assert not get_user_model().objects.filter(pk=staff.pk).exists()
    assert not Incarico.objects.filter(utente_id=staff.pk).exists()  # the user's own roles go
    decisione.refresh_from_db()
    assert decisione.deciso_da is None and decisione.deciso_da_nome == "Maria Verdi"
    assert decisione.stato == StatoIncarico.APPROVATO
    assert EventoSicurezza.objects.filter(tipo="account_eliminato").exists()
    assert client.get(reverse("utenti:profilo")).status_code == 302  # logged out


def test_eliminazione_dall_admin_conserva_il_nome_dell_autore(staff, scuola_a):
    decisione = IncaricoFactory(scuola=scuola_a, deciso_da=staff, deciso_da_nome="")
    staff.delete()
    decisione.refresh_from_db()
    assert decisione.deciso_da_nome == staff.get_full_name()


def test_nessun_record_condiviso_viene_cancellato_con_l_utente():
    """Authorship FKs must be SET_NULL (+ a `<field>_nome` snapshot): see alternanza/utenti/gdpr.py."""
    cancellati = sorted(
        f"{model._meta.label}.{campo.name}"
        for model, campo in campi_verso_utente()
        if campo.remote_field.on_delete.__name__ not in ("SET_NULL", "SET_DEFAULT", "PROTECT")
        and f"{model._meta.label}.{campo.name}" not in DATI_PERSONALI
    )
    assert not cancellati, (
        f"These foreign keys would delete records together with a user account: {cancellati}. Use "
        "on_delete=SET_NULL and a `<field>_nome` snapshot, or list them in DATI_PERSONALI if they are the "
        "user's own personal data."
    )
