"""The portal's SP as AgID tests it: spid-sp-test (PyPI spid-sp-test, split from spid-saml-check) against
the live portal — metadata, AuthnRequest and the whole response battery on the ACS."""

from __future__ import annotations

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from alternanza.spid.models import AsserzioneUsata, IdentitaSpid, impronta_codice_fiscale
from tests.factories import staff_cm
from tests.spid.conftest import controlli, esegui_spid_sp_test

CODICE_FISCALE = "TINIT-GDASDV00A01H501J"  # spid-sp-test's test identity
EMAIL = "spid.tech@agid.gov.it"


def test_metadata_authnrequest_e_risposte(spid_live, live_server, tmp_path):
    esito = esegui_spid_sp_test(spid_live, live_server.url, tmp_path, "-tr")
    tutti = controlli(esito["rapporto"])
    falliti = [c for c in tutti if c["result"] != "success"]
    assert not falliti, json.dumps(falliti, indent=1, ensure_ascii=False)[:4000]
    sezioni = esito["rapporto"]["test"]["sp"]
    assert len(sezioni["metadata_extra"]["SpidSpMetadataCheckExtra"]) > 50
    assert len(sezioni["authnrequest_extra"]["SpidSpAuthnReqCheckExtra"]) > 20
    risposte = sezioni["response"]["SpidSpResponseCheck"]
    assert len(risposte) > 100
    # Refused means refused on purpose (403), never a crash; the valid ones logged the person in.
    assert not [r for r in risposte if "500" in r["value"]]
    validi = [r for r in risposte if "200" in r["value"]]
    assert len(validi) >= 5
    assert AsserzioneUsata.objects.count() == len(validi)
    identita = IdentitaSpid.objects.get()
    assert identita.impronta == impronta_codice_fiscale(CODICE_FISCALE)
    assert "GDASDV00A01H501J" not in identita.impronta
    assert identita.utente.email == EMAIL
    assert EmailAddress.objects.get(user=identita.utente).verified


def _stato_risposta_corretta(ambiente, url, tmp_path) -> int:
    """The HTTP status the portal gives to spid-sp-test's valid response (its test 1). The tool itself
    expects 200 (its -tj option does not change the expected codes), so the status is read from the report."""
    esito = esegui_spid_sp_test(ambiente, url, tmp_path, "-tr", "-tn", "1")
    (risposta,) = esito["rapporto"]["test"]["sp"]["response"]["SpidSpResponseCheck"]
    return int(re.search(r"status_code: (\d+)", risposta["value"]).group(1))


def test_livello_1_non_apre_mai_sessioni_di_staff(spid_live, live_server, tmp_path, settings):
    settings.SPID_LIVELLO = 1
    staff = staff_cm(mfa=True)
    IdentitaSpid.objects.create(utente=staff, impronta=impronta_codice_fiscale(CODICE_FISCALE))
    assert _stato_risposta_corretta(spid_live, live_server.url, tmp_path) == 403
    from django.contrib.sessions.models import Session

    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(staff.pk)]
    assert AsserzioneUsata.objects.count() == 0  # refused before anything was kept


def test_livello_1_basta_a_chi_non_ha_ruoli_riservati(spid_live, live_server, tmp_path, settings):
    settings.SPID_LIVELLO = 1
    assert _stato_risposta_corretta(spid_live, live_server.url, tmp_path) == 200
    assert IdentitaSpid.objects.get().utente.email == EMAIL


def test_email_gia_registrata_non_viene_presa(spid_live, live_server, tmp_path):
    """An e-mail account is never taken over by a SPID login: its owner links SPID from the profile."""
    utente = get_user_model().objects.create_user("esistente", EMAIL, "una-password-lunga-1")
    EmailAddress.objects.create(user=utente, email=EMAIL, verified=True, primary=True)
    assert _stato_risposta_corretta(spid_live, live_server.url, tmp_path) == 409
    assert not IdentitaSpid.objects.exists()


pytestmark = pytest.mark.django_db(transaction=True)
