"""Portal-wide pages (alternanza.views.pagine, salute)."""

from django.core.files.base import ContentFile

from alternanza.core.archivi import privato
from tests.matrice import AUTENTICATI, LOGIN, PUBBLICA, SOLO_POST, Azione, Voce, attesi

ERRORI_MATRICE = "test-matrice/errori-importazione.csv"


def prepara(fx):
    """An organisations import uploaded by the staff persona, finished with one error row."""
    from alternanza.core.models import Importazione

    if not privato.exists(ERRORI_MATRICE):
        privato.save(ERRORI_MATRICE, ContentFile("Riga;Errore\n2;il nome è obbligatorio\n"))
    fx.importazione = Importazione.objects.create(
        tipo="organizzazioni",
        nome_file="camera.csv",
        file="test-matrice/camera.csv",
        richiesta_da=fx.staff,
        stato=Importazione.Stato.COMPLETATA,
        righe=2,
        n_errori=1,
        errori=[[2, "il nome è obbligatorio"]],
        file_errori=ERRORI_MATRICE,
    )


# Whoever uploaded the file (the staff persona) and staff; for anyone else the import does not exist.
DELLA_PERSONA_O_STAFF = attesi(404, anonimo=LOGIN, staff=200, superuser=200)

VOCI = [
    Voce("home", get=PUBBLICA),
    # The site-wide search: what each persona finds is scoped (tests/pagine/test_cerca.py).
    Voce("cerca", get=PUBBLICA, query="q=robotica"),
    # The workspace: every signed-in user has one (its sections follow the roles; tests/area).
    Voce("area:home", get=AUTENTICATI),
    # The page of a file import (alternanza.area.importazioni), its JSON status and its errors CSV.
    Voce("area:importazione", kwargs=lambda fx: {"pk": fx.importazione.pk}, get=DELLA_PERSONA_O_STAFF),
    Voce("area:importazione_stato", kwargs=lambda fx: {"pk": fx.importazione.pk}, get=DELLA_PERSONA_O_STAFF),
    Voce("area:importazione_errori", kwargs=lambda fx: {"pk": fx.importazione.pk}, get=DELLA_PERSONA_O_STAFF),
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
