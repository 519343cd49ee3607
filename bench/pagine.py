"""The pages `make bench` measures. ADD YOUR PAGES HERE (one dict per page):

    {
        "nome": "vetrina progetti",              # shown in the table
        "percorso": "/progetti/",                 # a path, or a function () -> path that may query the
                                                  # bench database (Django is set up), e.g. a detail page
        "persona": None,                          # None = anonymous; or "staff", "ufficio", "referente",
                                                  # "referente_org" (bench/persone.py creates the user
                                                  # and a logged-in session cookie for wrk)
        "obiettivo": "pubblica",                  # optional: "pubblica" (>= 0.30 x floor, p99 <= 20 ms)
                                                  # or "riservata" (p95 <= 100 ms at 4 connections);
                                                  # default: "pubblica" if anonymous, else "riservata"
    }

Functions run against the bench database after `carica_demo --scala grande`, so pick realistic objects
(e.g. the district with most schools, a project in the middle of the table), never create data here.
"""

from __future__ import annotations


def _distretto_piu_grande() -> str:
    from django.db.models import Count

    from distretti.models import Distretto

    distretto = Distretto.objects.annotate(n=Count("comuni__scuole")).order_by("-n").first()
    return distretto.get_absolute_url()


def _organizzazione_pubblica() -> str:
    """A public organisation in the middle of the 20,000 of the demo set."""
    from partnership.models import Organizzazione

    pubbliche = Organizzazione.objects.filter(pubblica=True).order_by("pk")
    return pubbliche[pubbliche.count() // 2].get_absolute_url()


def _area_s3_mech() -> str:
    from partnership.models import AreaS3

    return f"/rete/?tipo=impresa&area_s3={AreaS3.objects.get(slug='mech').pk}"


def _progetto_pubblicato() -> str:
    """A published project in the middle of the demo set."""
    from alternanza.progetti.models import Progetto

    pubblicati = Progetto.objects.pubblicati().order_by("pk")
    return pubblicati[pubblicati.count() // 2].get_absolute_url()


def _evento_pubblicato() -> str:
    """A published event in the middle of the 5,000 of the demo set."""
    from eventi.models import Evento

    pubblicati = Evento.objects.pubblicati().order_by("pk")
    return pubblicati[pubblicati.count() // 2].get_absolute_url()


def _mese_del_festival() -> str:
    from eventi.models import Edizione

    edizione = Edizione.objects.filter(stato="pubblicata").first()
    return f"/festival/eventi/calendario/?mese={edizione.data_inizio:%Y-%m}" if edizione else "/festival/"


def _notizia() -> str:
    from eventi.models import Notizia

    return Notizia.objects.pubblicate().first().get_absolute_url()


def _scuola_con_progetti() -> str:
    """The school with most public projects (its page lists them, its events and partnerships)."""
    from django.db.models import Count

    from alternanza.progetti.models import condizione_pubblici
    from distretti.models import Scuola

    scuola = (
        Scuola.objects.annotate(n=Count("progetti", filter=condizione_pubblici("progetti__")))
        .order_by("-n", "pk")
        .first()
    )
    return scuola.get_absolute_url()


def _organizzazione_ospitante() -> str:
    """The public organisation hosting most projects (its page lists them and its events)."""
    from django.db.models import Count

    from partnership.models import Organizzazione

    org = (
        Organizzazione.objects.filter(pubblica=True)
        .annotate(n=Count("partecipazioni_progetti"))
        .order_by("-n", "pk")
        .first()
    )
    return org.get_absolute_url()


PAGINE: list[dict] = [
    {"nome": "home", "percorso": "/"},
    {"nome": "home (en)", "percorso": "/en/"},
    {"nome": "privacy", "percorso": "/privacy/"},
    {"nome": "distretti", "percorso": "/territorio/"},
    {"nome": "distretto più grande", "percorso": _distretto_piu_grande},
    # Partnership network (issue #5): public directory and published partnerships (anonymous)...
    {"nome": "rete: elenco pubblico organizzazioni", "percorso": "/rete/"},
    {"nome": "rete: elenco pubblico filtrato", "percorso": _area_s3_mech},
    {"nome": "rete: partnership pubblicate", "percorso": "/rete/partnership/"},
    {"nome": "rete: scheda organizzazione", "percorso": _organizzazione_pubblica},
    # ...and the district office's filtered lists over 20,000 organisations.
    {
        "nome": "rete ufficio: organizzazioni",
        "percorso": "/rete/ufficio/organizzazioni/",
        "persona": "ufficio",
    },
    {
        "nome": "rete ufficio: organizzazioni filtrate",
        "percorso": "/rete/ufficio/organizzazioni/?sezione_ateco=C&tipo=impresa&ordina=-nome",
        "persona": "ufficio",
    },
    {"nome": "rete ufficio: partnership", "percorso": "/rete/ufficio/partnership/", "persona": "ufficio"},
    {"nome": "rete ufficio: accordi", "percorso": "/rete/ufficio/accordi/", "persona": "ufficio"},
    {
        "nome": "rete staff: organizzazioni (tutte)",
        "percorso": "/rete/ufficio/organizzazioni/?q=officine",
        "persona": "staff",
    },
    {"nome": "rete: offerte di ospitalità", "percorso": "/rete/offerte/", "persona": "referente"},
    # Projects (issue #6): the public showcase (cached for visitors) over 100,000 projects...
    {"nome": "progetti: vetrina", "percorso": "/progetti/"},
    {"nome": "progetti: vetrina filtrata", "percorso": "/progetti/?distretto=imola&anno=2025%2F26"},
    {"nome": "progetti: scheda progetto", "percorso": _progetto_pubblicato},
    # ...the Italian full-text search uncached (a logged-in user never gets cached pages)...
    {"nome": "progetti: ricerca", "percorso": "/progetti/?q=meccanica", "persona": "referente"},
    {
        "nome": "progetti: ricerca filtrata",
        "percorso": "/progetti/?q=robotica+officina&distretto=bologna",
        "persona": "referente",
    },
    # ...and the role dashboards.
    {"nome": "progetti: i miei progetti", "percorso": "/progetti/miei/", "persona": "referente"},
    {"nome": "progetti: revisione ufficio", "percorso": "/progetti/revisione/", "persona": "ufficio"},
    {"nome": "progetti: revisione staff", "percorso": "/progetti/revisione/", "persona": "staff"},
    # Festival (issue #7): public pages over 5,000 events (cached for visitors).
    {"nome": "festival: home", "percorso": "/festival/"},
    {"nome": "festival: home (en)", "percorso": "/en/festival/"},
    {"nome": "festival: eventi", "percorso": "/festival/eventi/"},
    {
        "nome": "festival: eventi filtrati",
        "percorso": "/festival/eventi/?da=2022-01-01&distretto=bologna&pubblico=famiglie&tipo=laboratorio",
    },
    {"nome": "festival: calendario del mese", "percorso": _mese_del_festival},
    {"nome": "festival: evento", "percorso": _evento_pubblicato},
    {"nome": "festival: notizie", "percorso": "/festival/notizie/"},
    {"nome": "festival: notizia", "percorso": _notizia},
    {"nome": "festival: edizioni", "percorso": "/festival/edizioni/"},
    {"nome": "festival: feed iCal per distretto", "percorso": "/festival/eventi.ics?distretto=imola"},
    {"nome": "festival: feed RSS", "percorso": "/festival/notizie/rss/"},
    {"nome": "festival: le mie proposte", "percorso": "/festival/gestione/", "persona": "ufficio"},
    # Issue 15: the site-wide search (cached for visitors; scoped and uncached for a coordinator), one kind
    # with its filters, and the school's and organisation's pages that tell their whole story.
    {"nome": "ricerca: portale", "percorso": "/cerca/?q=meccanica"},
    {"nome": "ricerca: portale (referente)", "percorso": "/cerca/?q=meccanica", "persona": "referente"},
    {
        "nome": "ricerca: organizzazioni con refuso (referente)",
        "percorso": "/cerca/?q=oficine+srl&tipo=organizzazioni",
        "persona": "referente",
    },
    {"nome": "scuola: pagina completa", "percorso": _scuola_con_progetti},
    {"nome": "scuola: pagina completa (referente)", "percorso": _scuola_con_progetti, "persona": "referente"},
    {"nome": "rete: organizzazione ospitante", "percorso": _organizzazione_ospitante},
    {
        "nome": "rete: organizzazione ospitante (referente)",
        "percorso": _organizzazione_ospitante,
        "persona": "referente",
    },
    # Accounts (issue #4): profile, approval queue, staff registers (audit trail across all event tables).
    # The workspace of each role (issue #14): what every user opens first after login.
    {"nome": "area riservata: referente", "percorso": "/area-riservata/", "persona": "referente"},
    {"nome": "area riservata: ufficio", "percorso": "/area-riservata/", "persona": "ufficio"},
    {"nome": "area riservata: staff", "percorso": "/area-riservata/", "persona": "staff"},
    {"nome": "area riservata: organizzazione", "percorso": "/area-riservata/", "persona": "referente_org"},
    {"nome": "account: profilo", "percorso": "/account/profilo/", "persona": "referente"},
    {"nome": "account: richieste da approvare", "percorso": "/account/richieste/", "persona": "ufficio"},
    {"nome": "account: utenti (staff)", "percorso": "/account/staff/utenti/", "persona": "staff"},
    {"nome": "account: registro modifiche", "percorso": "/account/staff/modifiche/", "persona": "staff"},
    {"nome": "account: registro di sicurezza", "percorso": "/account/staff/sicurezza/", "persona": "staff"},
]
