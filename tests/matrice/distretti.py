"""Pages of the territory (distretti.urls): public district and school pages, the staff registry import."""

from tests.matrice import AUTENTICATI, LOGIN, PUBBLICA, SOLO_STAFF, Azione, Voce, attesi

VOCI = [
    Voce("distretti:elenco", get=PUBBLICA),
    # The autocompletes of the forms: signed-in users, each searching what they may choose.
    Voce("distretti:cerca_scuole", get=AUTENTICATI, query="q=li"),
    Voce("distretti:cerca_comuni", get=AUTENTICATI, query="q=bo"),
    Voce("distretti:dettaglio", kwargs=lambda fx: {"slug": fx.distretto_b.slug}, get=PUBBLICA),
    Voce("distretti:scuola", kwargs=lambda fx: {"codice": fx.scuola_b.codice_meccanografico}, get=PUBBLICA),
    Voce(
        "distretti:importa",
        get=SOLO_STAFF,
        post=[
            # Without a file the form answers with its errors (200) to staff; nobody else reaches it.
            Azione(
                "senza file",
                dati={"strict": "on"},
                attesi=attesi(403, anonimo=LOGIN, staff=200, superuser=200),
            ),
        ],
    ),
]
