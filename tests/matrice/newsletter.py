"""Newsletter pages (eventi/newsletter/urls.py): public subscription by signed links, staff management."""

from eventi.newsletter.models import Congelata, GruppoRevisori
from eventi.newsletter.tokens import token_conferma, token_personale
from tests.matrice import LOGIN, PUBBLICA, SOLO_STAFF, Azione, Voce, attesi
from tests.newsletter.factories import IscrittoFactory, NumeroFactory, NumeroInviatoFactory

STAFF_REDIRECT = attesi(403, anonimo=LOGIN, staff=302, superuser=302)
# Signed personal links: the token is the credential, the same answer for everyone (no login needed).
TUTTI_REDIRECT = attesi(302)
# POST-only staff actions: a GET is refused with 405 to staff, 403 to other users, LOGIN to visitors.
_SOLO_POST_STAFF = attesi(
    405,
    anonimo=LOGIN,
    referente_a=403,
    referente_b=403,
    ufficio_a=403,
    ufficio_b=403,
    referente_org=403,
)


def prepara(fx):
    fx.nl_iscritto = IscrittoFactory(email="matrice@example.org")
    fx.nl_in_attesa = IscrittoFactory(email="attesa@example.org", stato="in_attesa")
    fx.nl_bozza = NumeroFactory(oggetto="Bozza della matrice")
    fx.nl_inviato = NumeroInviatoFactory(oggetto="Numero inviato della matrice")
    fx.nl_gruppo = GruppoRevisori.objects.create(nome="Revisori della matrice", indirizzi="r@example.org")
    fx.nl_versione = Congelata.objects.create(
        numero=fx.nl_inviato, lingua="it", chiave="", oggetto="x", html="<p>x</p>", testo="x"
    )


def _personale(fx):
    return {"token": token_personale(fx.nl_iscritto)}


def _bozza(fx):
    return {"pk": fx.nl_bozza.pk}


VOCI = [
    Voce(
        "newsletter:iscrizione",
        get=PUBBLICA,
        post=[Azione("modulo vuoto", dati={}, attesi=PUBBLICA)],  # the form with its errors
    ),
    Voce("newsletter:controlla_posta", get=PUBBLICA),
    Voce(
        "newsletter:conferma",
        kwargs=lambda fx: {"token": token_conferma(fx.nl_in_attesa)},
        get=PUBBLICA,
        post=[Azione("conferma", attesi=PUBBLICA)],
    ),
    Voce(
        "newsletter:preferenze",
        kwargs=_personale,
        get=PUBBLICA,
        post=[Azione("salva", dati={}, attesi=TUTTI_REDIRECT)],
    ),
    Voce(
        "newsletter:disiscrizione",
        kwargs=_personale,
        get=PUBBLICA,
        post=[Azione("disiscrivi", attesi=PUBBLICA)],
    ),
    Voce(
        "newsletter_one_click",
        kwargs=_personale,
        get=PUBBLICA,
        post=[Azione("one-click", dati={"List-Unsubscribe": "One-Click"}, attesi=PUBBLICA, csrf_esente=True)],
    ),
    Voce("newsletter:archivio", get=PUBBLICA),
    Voce("newsletter:archivio_numero", kwargs=lambda fx: {"pk": fx.nl_inviato.pk}, get=PUBBLICA),
    # Staff only.
    Voce("newsletter:numeri", get=SOLO_STAFF),
    Voce(
        "newsletter:numero_nuovo",
        get=SOLO_STAFF,
        post=[
            Azione("salva", dati={"oggetto": "Nuovo numero", "corpo": "<p>Ciao</p>"}, attesi=STAFF_REDIRECT)
        ],
    ),
    Voce("newsletter:numero", kwargs=_bozza, get=SOLO_STAFF),
    Voce("newsletter:numero_stato", kwargs=_bozza, get=SOLO_STAFF),
    Voce(
        "newsletter:numero_modifica",
        kwargs=_bozza,
        get=SOLO_STAFF,
        post=[Azione("salva", dati={"oggetto": "Oggetto nuovo"}, attesi=STAFF_REDIRECT)],
    ),
    Voce("newsletter:numero_anteprima", kwargs=_bozza, get=SOLO_STAFF),
    Voce("newsletter:numero_anteprima_email", kwargs=_bozza, get=SOLO_STAFF),
]

VOCI += [
    Voce(
        "newsletter:numero_prova",
        kwargs=_bozza,
        get=_SOLO_POST_STAFF,
        post=[Azione("prova", dati={"indirizzi": "a@example.org", "lingua": "it"}, attesi=STAFF_REDIRECT)],
    ),
    Voce(
        "newsletter:numero_invia",
        kwargs=_bozza,
        get=_SOLO_POST_STAFF,
        post=[Azione("invia ora", dati={"azione": "ora"}, attesi=STAFF_REDIRECT)],
    ),
    Voce(
        "newsletter:numero_annulla",
        kwargs=_bozza,
        get=_SOLO_POST_STAFF,
        post=[Azione("annulla", attesi=STAFF_REDIRECT)],
    ),
    Voce(
        "newsletter:numero_pausa",
        kwargs=_bozza,
        get=_SOLO_POST_STAFF,
        post=[Azione("pausa", attesi=STAFF_REDIRECT)],
    ),
    Voce(
        "newsletter:numero_riprendi",
        kwargs=_bozza,
        get=_SOLO_POST_STAFF,
        post=[Azione("riprendi", attesi=STAFF_REDIRECT)],
    ),
    # Issue 18: editor preview, images, duplicate/templates, confirmation step, cancel, frozen versions.
    Voce(
        "newsletter:numero_anteprima_testo",
        get=_SOLO_POST_STAFF,
        post=[
            Azione(
                "anteprima",
                dati={"corpo": "**ciao**"},
                attesi=attesi(403, anonimo=LOGIN, staff=200, superuser=200),
            )
        ],
    ),
    Voce(
        "newsletter:numero_immagine",
        kwargs=_bozza,
        get=_SOLO_POST_STAFF,
        post=[Azione("senza file", dati={}, attesi=STAFF_REDIRECT)],
    ),
    Voce(
        "newsletter:numero_duplica",
        kwargs=_bozza,
        get=_SOLO_POST_STAFF,
        post=[Azione("duplica", attesi=STAFF_REDIRECT)],
    ),
    Voce("newsletter:numero_conferma", kwargs=_bozza, get=SOLO_STAFF),
    Voce(
        "newsletter:numero_annulla_invio",
        kwargs=_bozza,
        get=_SOLO_POST_STAFF,
        post=[Azione("annulla l'invio", attesi=STAFF_REDIRECT)],
    ),
    Voce(
        "newsletter:archivio_versione",
        kwargs=lambda fx: {"pk": fx.nl_inviato.pk, "versione": fx.nl_versione.pk},
        get=PUBBLICA,
    ),
    Voce("newsletter:iscritti", get=SOLO_STAFF),
    Voce("newsletter:iscritti_esporta", get=SOLO_STAFF),
    Voce(
        "newsletter:iscritti_importa",
        get=SOLO_STAFF,
        post=[Azione("senza file", dati={}, attesi=attesi(403, anonimo=LOGIN, staff=200, superuser=200))],
    ),
    Voce("newsletter:iscritto", kwargs=lambda fx: {"pk": fx.nl_iscritto.pk}, get=SOLO_STAFF),
    Voce(
        "newsletter:iscritto_elimina",
        kwargs=lambda fx: {"pk": fx.nl_iscritto.pk},
        get=_SOLO_POST_STAFF,
        post=[Azione("elimina", attesi=STAFF_REDIRECT)],
    ),
    # Reviewer groups, managed by staff in the workspace.
    Voce(
        "newsletter:gruppi_revisori",
        get=SOLO_STAFF,
        post=[
            Azione(
                "nuovo gruppo",
                dati={"nome": "Gruppo nuovo", "indirizzi": "a@example.org"},
                attesi=STAFF_REDIRECT,
            )
        ],
    ),
    Voce(
        "newsletter:gruppo_revisori",
        kwargs=lambda fx: {"pk": fx.nl_gruppo.pk},
        get=SOLO_STAFF,
        post=[
            Azione("salva", dati={"nome": "Rinominato", "indirizzi": "b@example.org"}, attesi=STAFF_REDIRECT)
        ],
    ),
    Voce(
        "newsletter:gruppo_revisori_elimina",
        kwargs=lambda fx: {"pk": fx.nl_gruppo.pk},
        get=_SOLO_POST_STAFF,
        post=[Azione("elimina", attesi=STAFF_REDIRECT)],
    ),
]
