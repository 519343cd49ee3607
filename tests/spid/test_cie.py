""" "Entra con CIE" (CIE ID's SAML 2.0 interface) as the Ministry and AgID's tool test it: spid-sp-test's
cie-sp-public profile on the portal's CIE metadata and AuthnRequest, and its response battery on the ACS;
then the portal's own rules: a first CIE login asks the e-mail CIE does not release, a known fiscal number
logs straight in, CIE level 2 is the second factor of staff and level 1 never is."""

from __future__ import annotations

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session

from alternanza.spid.models import AsserzioneUsata, IdentitaSpid, impronta_codice_fiscale
from alternanza.spid.views import CHIAVE_SESSIONE
from alternanza.utenti.middleware import CHIAVE_MFA_OK
from tests.factories import staff_cm
from tests.spid.conftest import controlli, esegui_spid_sp_test_cie

pytestmark = pytest.mark.django_db(transaction=True)
CODICE_FISCALE = "TINIT-GDASDV00A01H501J"  # spid-sp-test's test identity


def test_metadata_authnrequest_e_risposte_cie(cie_live, live_server, tmp_path, mailoutbox):
    esito = esegui_spid_sp_test_cie(cie_live, live_server.url, tmp_path, "-tr")
    falliti = [c for c in controlli(esito["rapporto"]) if c["result"] != "success"]
    assert not falliti, json.dumps(falliti, indent=1, ensure_ascii=False)[:4000]
    sezioni = esito["rapporto"]["test"]["sp"]
    assert len(sezioni["metadata_extra"]["SpidSpMetadataCheckExtra"]) > 50
    assert len(sezioni["authnrequest_extra"]["SpidSpAuthnReqCheckExtra"]) > 20
    risposte = sezioni["response"]["SpidSpResponseCheck"]
    assert len(risposte) > 100
    assert not [r for r in risposte if "500" in r["value"]]
    validi = [r for r in risposte if "200" in r["value"]]
    assert len(validi) >= 5
    # Each valid response was consumed; none made an account by itself (CIE gives no e-mail).
    assert AsserzioneUsata.objects.count() == len(validi)
    assert not IdentitaSpid.objects.exists() and not mailoutbox


def _stato_risposta_corretta(ambiente, url, tmp_path) -> int:
    # The cie-sp-public profile drops tests 70 and 71 from the chosen list (and fails when they are not
    # in it): asked for 1, 70 and 71, it runs the valid response alone.
    esito = esegui_spid_sp_test_cie(ambiente, url, tmp_path, "-tr", "-tn", "1", "70", "71")
    (risposta,) = esito["rapporto"]["test"]["sp"]["response"]["SpidSpResponseCheck"]
    return int(re.search(r"status_code: (\d+)", risposta["value"]).group(1))


def test_cie_di_uno_staff_gia_collegato_vale_come_secondo_fattore(cie_live, live_server, tmp_path):
    staff = staff_cm(mfa=True)
    IdentitaSpid.objects.create(utente=staff, impronta=impronta_codice_fiscale(CODICE_FISCALE))
    assert _stato_risposta_corretta(cie_live, live_server.url, tmp_path) == 200
    (sessione,) = [s.get_decoded() for s in Session.objects.all() if s.get_decoded().get("_auth_user_id")]
    assert sessione["_auth_user_id"] == str(staff.pk)
    assert sessione[CHIAVE_MFA_OK] is True  # no TOTP prompt: CIE level 2 is the second factor
    assert sessione[CHIAVE_SESSIONE]["livello"] == 2


def test_cie_livello_1_non_apre_sessioni_di_staff(cie_live, live_server, tmp_path, settings):
    settings.SPID_LIVELLO = 1
    staff = staff_cm(mfa=True)
    IdentitaSpid.objects.create(utente=staff, impronta=impronta_codice_fiscale(CODICE_FISCALE))
    assert _stato_risposta_corretta(cie_live, live_server.url, tmp_path) == 403
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(staff.pk)]
    assert EmailAddress.objects.count() == 1
