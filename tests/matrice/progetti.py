"""Projects, network actions, models library and open data (alternanza.progetti.urls)."""

from django.core.files.base import ContentFile

from tests.matrice import LOGIN, PUBBLICA, Azione, Voce, attesi

PROPRIO = {"referente_a": 200, "staff": 200, "superuser": 200}  # the school's coordinator and staff
REFERENTI = {"referente_a": 200, "referente_b": 200, "staff": 200, "superuser": 200}  # any coordinator
UFFICI = {"ufficio_a": 200, "ufficio_b": 200, "staff": 200, "superuser": 200}


def prepara(fx):
    from alternanza.progetti.models import AzioneDiRete, DocumentoProgetto, StatoProgetto
    from tests.progetti.factories import (
        AzioneDiReteFactory,
        ModelloInterventoFactory,
        ProgettoFactory,
        ProgettoPubblicatoFactory,
    )

    fx.prog_bozza_a = ProgettoFactory(scuola=fx.scuola_a, stato=StatoProgetto.BOZZA)
    fx.prog_inviato_a = ProgettoFactory(scuola=fx.scuola_a, stato=StatoProgetto.INVIATO)
    fx.prog_pub_a = ProgettoPubblicatoFactory(scuola=fx.scuola_a)
    # A running project with a host whose tutor has been asked for the evaluation (issue 15).
    from alternanza.progetti import valutazioni

    fx.prog_corso_a = ProgettoPubblicatoFactory(
        scuola=fx.scuola_a, stato=StatoProgetto.IN_CORSO, ospitanti=[fx.organizzazione]
    )
    fx.ospite_corso = fx.prog_corso_a.partecipazioni.get()
    fx.ospite_corso.tutor_email = "tutor@azienda.example.org"
    fx.ospite_corso.save()
    fx.token_valutazione = valutazioni.token(valutazioni.richiedi(fx.ospite_corso))
    fx.doc_pub = DocumentoProgetto.objects.create(
        progetto=fx.prog_pub_a,
        titolo="Relazione",
        file=ContentFile(b"%PDF-1.4 prova", name="r.pdf"),
        pubblico=True,
    )
    fx.doc_bozza = DocumentoProgetto.objects.create(
        progetto=fx.prog_bozza_a, titolo="Bozza", file=ContentFile(b"%PDF-1.4 prova", name="b.pdf")
    )
    fx.azione_a = AzioneDiReteFactory(
        livello=AzioneDiRete.Livello.DISTRETTUALE,
        promotore=AzioneDiRete.Promotore.DISTRETTO,
        promotore_distretto=fx.distretto_a,
    )
    fx.azione_a.distretti.set([fx.distretto_a])
    fx.modello = ModelloInterventoFactory(azione=fx.azione_a, distretto=fx.distretto_a)


SOLO_POST_LOGIN = attesi(405, anonimo=LOGIN)

VOCI = [
    Voce("progetti:vetrina", get=PUBBLICA),
    Voce(
        "progetti:progetto",
        kwargs=lambda fx: {"pk": fx.prog_inviato_a.pk},
        get=attesi(404, ufficio_a=200, **PROPRIO),
    ),
    Voce("progetti:miei", get=attesi(403, anonimo=LOGIN, **REFERENTI)),
    Voce(
        "progetti:nuovo",
        get=attesi(403, anonimo=LOGIN, **REFERENTI),
        post=[Azione("form vuoto", dati={}, attesi=attesi(403, anonimo=LOGIN, **REFERENTI))],
    ),
    Voce(
        "progetti:modifica",
        kwargs=lambda fx: {"pk": fx.prog_bozza_a.pk},
        get=attesi(404, anonimo=LOGIN, **PROPRIO),
        post=[Azione("form vuoto", dati={}, attesi=attesi(404, anonimo=LOGIN, **PROPRIO))],
    ),
    Voce(
        "progetti:transizione",
        kwargs=lambda fx: {"pk": fx.prog_inviato_a.pk, "azione": "valida"},
        get=SOLO_POST_LOGIN,
        post=[
            Azione(
                "valida",
                attesi=attesi(404, anonimo=LOGIN, referente_a=403, ufficio_a=302, staff=302, superuser=302),
            )
        ],
    ),
    Voce(
        "progetti:copia",
        kwargs=lambda fx: {"pk": fx.prog_pub_a.pk},
        get=SOLO_POST_LOGIN,
        post=[Azione("copia", attesi=attesi(403, anonimo=LOGIN, referente_a=302, staff=302, superuser=302))],
    ),
    Voce(
        # A published project: its documents and photos are still the school's to update (issue 15).
        "progetti:allegati",
        kwargs=lambda fx: {"pk": fx.prog_pub_a.pk},
        get=attesi(403, anonimo=LOGIN, **PROPRIO),
        post=[Azione("form vuoto", dati={"tipo": "documento"}, attesi=attesi(403, anonimo=LOGIN, **PROPRIO))],
    ),
    Voce(
        "progetti:elimina_allegato",
        kwargs=lambda fx: {"pk": fx.prog_bozza_a.pk, "tipo": "documento", "allegato": fx.doc_bozza.pk},
        get=SOLO_POST_LOGIN,
        post=[
            Azione("elimina", attesi=attesi(404, anonimo=LOGIN, referente_a=302, staff=302, superuser=302))
        ],
    ),
    Voce(
        "progetti:documento",
        kwargs=lambda fx: {"pk": fx.prog_pub_a.pk, "documento": fx.doc_pub.pk},
        get=PUBBLICA,
    ),
    Voce(
        "progetti:richiedi_valutazione",
        kwargs=lambda fx: {"pk": fx.prog_corso_a.pk, "partecipazione": fx.ospite_corso.pk},
        get=SOLO_POST_LOGIN,
        post=[
            Azione(
                "chiedi la valutazione",
                attesi=attesi(403, anonimo=LOGIN, referente_a=302, staff=302, superuser=302),
            )
        ],
    ),
    Voce(
        # The host's form from the mailed link: no account, the signed token is the permission.
        "progetti:valutazione_ospitante",
        kwargs=lambda fx: {"token": fx.token_valutazione},
        get=PUBBLICA,
        post=[Azione("form vuoto", dati={}, attesi=PUBBLICA)],
    ),
    Voce("progetti:revisione", get=attesi(403, anonimo=LOGIN, **UFFICI)),
    Voce("progetti:azioni", get=PUBBLICA),
    Voce(
        "progetti:azione_nuova",
        get=attesi(403, anonimo=LOGIN, **UFFICI),
        post=[Azione("form vuoto", dati={}, attesi=attesi(403, anonimo=LOGIN, **UFFICI))],
    ),
    Voce("progetti:azione", kwargs=lambda fx: {"pk": fx.azione_a.pk}, get=PUBBLICA),
    Voce(
        "progetti:azione_modifica",
        kwargs=lambda fx: {"pk": fx.azione_a.pk},
        get=attesi(403, anonimo=LOGIN, ufficio_a=200, staff=200, superuser=200),
    ),
    Voce(
        "progetti:assistenza_nuova",
        kwargs=lambda fx: {"pk": fx.azione_a.pk},
        get=attesi(403, anonimo=LOGIN, ufficio_a=200, staff=200, superuser=200),
        post=[
            Azione(
                "form vuoto",
                dati={},
                attesi=attesi(403, anonimo=LOGIN, ufficio_a=200, staff=200, superuser=200),
            )
        ],
    ),
    Voce("progetti:modelli", get=PUBBLICA),
    Voce("progetti:modello", kwargs=lambda fx: {"pk": fx.modello.pk}, get=PUBBLICA),
    Voce(
        "progetti:adotta",
        kwargs=lambda fx: {"pk": fx.modello.pk},
        get=SOLO_POST_LOGIN,
        post=[
            Azione(
                "adotta per il distretto B",
                dati=lambda fx: {"distretto": fx.distretto_b.pk, "data": "2026-01-15", "note": "Adottato"},
                attesi=attesi(403, anonimo=LOGIN, ufficio_a=302, ufficio_b=302, staff=302, superuser=302),
            )
        ],
    ),
    Voce(
        "progetti:modello_pubblica",
        kwargs=lambda fx: {"pk": fx.modello.pk},
        get=SOLO_POST_LOGIN,
        post=[
            Azione(
                "l'ufficio del distretto lo toglie dalla biblioteca",
                dati={"pubblicato": "0"},
                attesi=attesi(404, anonimo=LOGIN, ufficio_a=302, staff=302, superuser=302),
            )
        ],
    ),
    Voce(
        "progetti:modello_da_progetto",
        kwargs=lambda fx: {"pk": fx.prog_pub_a.pk},
        get=attesi(403, anonimo=LOGIN, ufficio_a=200, **PROPRIO),
    ),
    Voce(
        "progetti:modello_da_azione",
        kwargs=lambda fx: {"pk": fx.azione_a.pk},
        get=attesi(403, anonimo=LOGIN, ufficio_a=200, staff=200, superuser=200),
    ),
    Voce("progetti:dati", get=PUBBLICA),
    Voce("progetti:dati_progetti_csv", get=PUBBLICA),
    Voce("progetti:dati_progetti_json", get=PUBBLICA),
    Voce("progetti:dati_partnership_csv", get=PUBBLICA),
    Voce("progetti:dati_partnership_json", get=PUBBLICA),
    Voce("progetti:dati_indicatori_csv", get=PUBBLICA),
    Voce("progetti:dati_indicatori_json", get=PUBBLICA),
    Voce("progetti:datapackage", get=PUBBLICA),
    Voce("progetti:catalogo_dcat", get=PUBBLICA),
]
