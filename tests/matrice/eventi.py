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
