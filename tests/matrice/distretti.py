"""Pages of the territory (distretti.urls): public district and school pages, the staff registry import."""

from tests.matrice import LOGIN, PUBBLICA, SOLO_STAFF, Azione, Voce, attesi

VOCI = [
    Voce("distretti:elenco", get=PUBBLICA),
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
