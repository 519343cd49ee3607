"""The shared personas hold exactly the scopes the permission matrix relies on."""

import pytest
from allauth.mfa.utils import is_mfa_enabled

from distretti.permissions import ambito_di, richiede_mfa
from tests.conftest import entra

pytestmark = pytest.mark.django_db


def test_le_persone_hanno_gli_ambiti_attesi(persone, scuola_a, scuola_b, distretto_a, distretto_b):
    assert persone["anonimo"] is None
    a = ambito_di(persone["referente_a"])
    assert a.scuole == {scuola_a.pk} and a.distretti_scuole == {distretto_a.pk}
    assert ambito_di(persone["referente_b"]).distretti_scuole == {distretto_b.pk}
    assert ambito_di(persone["ufficio_a"]).distretti_ufficio == {distretto_a.pk}
    assert ambito_di(persone["ufficio_b"]).distretti_ufficio == {distretto_b.pk}
    assert ambito_di(persone["staff"]).staff and ambito_di(persone["superuser"]).staff
    assert not ambito_di(persone["referente_org"]).ha_ruolo
    assert persone["referente_org"].referenze_organizzazione.get().stato == "approvato"


@pytest.mark.parametrize("nome", ["staff", "superuser", "ufficio_a", "ufficio_b"])
def test_staff_e_uffici_hanno_mfa_configurata(persone, nome):
    assert richiede_mfa(persone[nome])
    assert is_mfa_enabled(persone[nome])


def test_entra_autentica_la_persona(client, referente_a):
    entra(client, referente_a)
    assert client.session["_auth_user_id"] == str(referente_a.pk)
    entra(client, None)
    assert "_auth_user_id" not in client.session
