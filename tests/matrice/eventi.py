"""Festival pages (eventi.urls) and the portal-wide sitemap.xml / robots.txt served by eventi."""

from tests.matrice import LOGIN, PUBBLICA, Azione, Voce, attesi


def prepara(fx):
    from eventi.models import StatoEvento
    from tests.eventi.factories import EdizioneFactory, EventoFactory, NotiziaFactory

    fx.edizione = EdizioneFactory(anno=2026)
    fx.evento_pubblico = EventoFactory(
        slug="evento-pubblico-matrice",
        edizione=fx.edizione,
        scuole=[fx.scuola_a],
        scuola_proponente=fx.scuola_a,
    )
    fx.evento_proposto_a = EventoFactory(
        slug="evento-proposto-matrice",
        edizione=fx.edizione,
        stato=StatoEvento.PROPOSTO,
        proposto_da=fx.referente_a,
        scuola_proponente=fx.scuola_a,
        scuole=[fx.scuola_a],
    )
    fx.notizia = NotiziaFactory(slug="notizia-matrice", edizione=fx.edizione)
    _prepara_prenotazioni(fx)


def _prepara_prenotazioni(fx):
    from eventi.prenotazioni import services, tokens
    from tests.eventi.factories import evento_prenotabile

    # A public event booked on the portal, proposed by scuola_a (Bologna): organisers are referente_a,
    # ufficio_a and staff.
    fx.evento_prenotabile = evento_prenotabile(
        slug="evento-prenotabile-matrice", posti=30, proposto_da=fx.referente_a, scuola_proponente=fx.scuola_a
    )
    dati = {"nome": "Anna Verdi", "posti": 2}
    da_confermare = services.richiedi(fx.evento_prenotabile, {**dati, "email": "a@example.org"}, "it")
    confermata = services.richiedi(fx.evento_prenotabile, {**dati, "email": "b@example.org"}, "it")
    services.conferma(confermata.pk)
    fx.token_conferma = tokens.token_conferma(da_confermare)
    fx.token_personale = tokens.token_personale(confermata)
    fx.token_ingresso = tokens.token_ingresso(confermata)


# Who organises the bookable event of scuola_a: its coordinator, the Bologna office, staff; others see
# the public event (403), the anonymous visitor logs in.
ORGANIZZATORI_A = attesi(403, anonimo=LOGIN, referente_a=200, ufficio_a=200, staff=200, superuser=200)

# Who may edit the proposal of scuola_a (Bologna): its coordinator, the Bologna office, staff.
MODIFICA_PROPOSTA_A = attesi(404, anonimo=LOGIN, referente_a=200, ufficio_a=200, staff=200, superuser=200)

VOCI = [
    Voce("robots", get=PUBBLICA),
    Voce("sitemap", get=PUBBLICA),
    Voce("sitemap_sezione", kwargs={"section": "eventi"}, get=PUBBLICA),
    Voce("eventi:festival", get=PUBBLICA),
    Voce("eventi:archivio", get=PUBBLICA),
    Voce("eventi:edizione", kwargs=lambda fx: {"anno": fx.edizione.anno}, get=PUBBLICA),
    Voce("eventi:elenco", get=PUBBLICA, query="distretto=bologna&pubblico=secondaria_2"),
    Voce("eventi:calendario", get=PUBBLICA, query="mese=2026-11"),
    Voce("eventi:feed_ics", get=PUBBLICA),
    Voce(
        "eventi:evento",
        kwargs=lambda fx: {"slug": fx.evento_pubblico.slug},
        get=PUBBLICA,
        nota="A proposal is visible only in its scope: see tests/eventi/test_proposte.py.",
    ),
    Voce("eventi:evento_ics", kwargs=lambda fx: {"slug": fx.evento_pubblico.slug}, get=PUBBLICA),
    Voce(
        "eventi:prenota",
        kwargs=lambda fx: {"slug": fx.evento_prenotabile.slug},
        get=PUBBLICA,
        post=[Azione("modulo vuoto", dati={}, attesi=PUBBLICA)],
    ),
    Voce("eventi:cerca_scuole", get=PUBBLICA, query="q=al"),
    Voce(
        "eventi:prenotazione_conferma",
        kwargs=lambda fx: {"token": fx.token_conferma},
        get=PUBBLICA,
        post=[Azione("conferma", dati={}, attesi=attesi(302))],
        nota="Reached with the signed link of the mail, no account: everyone holding it may confirm.",
    ),
    Voce(
        "eventi:prenotazione",
        kwargs=lambda fx: {"token": fx.token_personale},
        get=PUBBLICA,
        post=[
            Azione("annulla", dati={"azione": "annulla"}, attesi=attesi(302)),
            Azione("modifica non valida", dati={"azione": "modifica"}, attesi=PUBBLICA),
        ],
        nota="The personal link of the booking (signed), no account.",
    ),
    Voce("eventi:prenotazioni", kwargs=lambda fx: {"pk": fx.evento_prenotabile.pk}, get=ORGANIZZATORI_A),
    Voce("eventi:prenotazioni_csv", kwargs=lambda fx: {"pk": fx.evento_prenotabile.pk}, get=ORGANIZZATORI_A),
    Voce("eventi:prenotazioni_xlsx", kwargs=lambda fx: {"pk": fx.evento_prenotabile.pk}, get=ORGANIZZATORI_A),
    Voce(
        "eventi:prenotazioni_messaggio",
        kwargs=lambda fx: {"pk": fx.evento_prenotabile.pk},
        get=attesi(405, anonimo=LOGIN),
        post=[
            Azione(
                "invia",
                dati={"oggetto": "Cambio aula", "testo": "Aula 2"},
                attesi=attesi(403, anonimo=LOGIN, referente_a=302, ufficio_a=302, staff=302, superuser=302),
            )
        ],
    ),
    Voce(
        "eventi:ingresso",
        kwargs=lambda fx: {"token": fx.token_ingresso},
        get=ORGANIZZATORI_A,
        post=[Azione("registra", dati={}, attesi=ORGANIZZATORI_A)],
    ),
    Voce("eventi:notizie", get=PUBBLICA),
    Voce("eventi:notizie_rss", get=PUBBLICA),
    Voce("eventi:notizie_atom", get=PUBBLICA),
    Voce("eventi:notizia", kwargs=lambda fx: {"slug": fx.notizia.slug}, get=PUBBLICA),
    Voce(
        "eventi:proponi",
        # School coordinators, organisation contacts and staff propose; district offices review.
        get=attesi(200, anonimo=LOGIN, ufficio_a=403, ufficio_b=403),
        post=[
            Azione(
                "proposta vuota",
                dati={},
                attesi=attesi(200, anonimo=LOGIN, ufficio_a=403, ufficio_b=403),
            )
        ],
    ),
    Voce("eventi:gestione", get=attesi(200, anonimo=LOGIN)),
    Voce(
        "eventi:modifica",
        kwargs=lambda fx: {"pk": fx.evento_proposto_a.pk},
        get=MODIFICA_PROPOSTA_A,
        post=[Azione("dati mancanti", dati={}, attesi=MODIFICA_PROPOSTA_A)],
    ),
    Voce(
        "eventi:decidi",
        kwargs=lambda fx: {"pk": fx.evento_proposto_a.pk},
        get=attesi(405, anonimo=LOGIN),
        post=[
            Azione(
                "approva",
                dati={"azione": "approva"},
                # the proposer sees its proposal but cannot approve it (403); other scopes don't see it
                attesi=attesi(404, anonimo=LOGIN, referente_a=403, ufficio_a=302, staff=302, superuser=302),
            )
        ],
    ),
]
