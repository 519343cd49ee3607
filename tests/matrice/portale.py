"""Portal-wide pages (alternanza.views.pagine, salute)."""

from tests.matrice import AUTENTICATI, PUBBLICA, SOLO_POST, Azione, Voce, attesi

VOCI = [
    Voce("home", get=PUBBLICA),
    # The workspace: every signed-in user has one (its sections follow the roles; tests/area).
    Voce("area:home", get=AUTENTICATI),
    Voce("privacy", get=PUBBLICA),
    Voce("accessibilita", get=PUBBLICA),
    Voce("note_legali", get=PUBBLICA),
    Voce("contatti", get=PUBBLICA),
    Voce("healthz", get=PUBBLICA),
    # Only for the Prometheus scraper's bearer token (tests/pagine/test_osservabilita.py): 404 to people.
    Voce("metriche", get=attesi(404)),
    Voce(
        "valutazione",
        get=SOLO_POST,
        post=[Azione("vota", dati={"pagina": "/contatti/", "voto": "4"}, attesi=attesi(302))],
    ),
    # Django's staff_member_required: whoever is not is_staff is sent to the admin login (302).
    Voce("valutazioni_staff", get=attesi(302, staff=200, superuser=200)),
]
