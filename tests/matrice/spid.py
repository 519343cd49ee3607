"""SPID/CIE (alternanza.spid). The matrix runs with the portal's default settings, where SPID is off: every
SPID URL answers 404 (POST-only ones 405 to a GET) whoever asks. With SPID on, the same views are tested
in tests/spid/ (the ACS and SLS are CSRF-exempt: the identity provider posts to them)."""

from tests.matrice import SOLO_POST, Azione, Voce, attesi

SPENTO = attesi(404)

VOCI = [
    Voce("spid:metadata", get=SPENTO),
    Voce("spid:metadata_cie", get=SPENTO),
    Voce("spid:completa_cie", get=SOLO_POST, post=[Azione("completa", attesi=SPENTO)]),
    Voce("spid:accedi", get=SPENTO),
    Voce("spid:sls", get=SPENTO, post=[Azione("risposta_idp", attesi=SPENTO, csrf_esente=True)]),
    Voce("spid:acs", get=SOLO_POST, post=[Azione("risposta_idp", attesi=SPENTO, csrf_esente=True)]),
    Voce("spid:collega", get=SOLO_POST, post=[Azione("collega", attesi=SPENTO)]),
    Voce("spid:esci", get=SOLO_POST, post=[Azione("esci", attesi=SPENTO)]),
]
