"""The public pages every accessibility and HTML-validity test walks through.

HOW TO ADD YOUR PAGES (every engineer adding a public page does this):

    # tests/browser/pagine.py — append to PAGINE_PUBBLICHE
    Pagina("vetrina progetti", "progetti:vetrina"),
    Pagina("scheda progetto", prepara=_progetto_pubblicato),   # a function creating data, returning a path

`url` is a URL name (reversed without arguments, Italian, no language prefix) or a literal path
starting with "/". For pages that need data, give `prepara`: a function (no arguments) that creates
the records in the database and returns the Italian path; it runs inside the test's database
transaction (both for the live server and for the Django test client), so keep it small and
deterministic (use your factories). Each page is then checked in Italian and in English:
  - tests/browser/test_accessibilita.py: axe-core WCAG 2.1 A/AA in Chromium, zero violations;
  - tests/browser/test_html_valido.py: W3C Nu checker, zero errors (one java run for all pages).

Pages behind a login or with a specific interaction: write your own browser test module
(tests/browser/test_<area>_*.py, marked @pytest.mark.browser) with the `pagina` / `contesto` fixtures
of tests/browser/conftest.py and `verifica_axe(page)` from tests/browser/aiuti.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import translation


@dataclass(frozen=True)
class Pagina:
    nome: str
    url: str = ""
    prepara: Callable[[], str] | None = None

    def percorso(self, lingua: str = "it") -> str:
        """The path of the page in `lingua` (creating its data first when it has `prepara`)."""
        with translation.override("it"):  # a previous request may have left English active
            if self.prepara is not None:
                percorso = self.prepara()
            elif self.url.startswith("/"):
                percorso = self.url
            else:
                percorso = reverse(self.url)
        return percorso if lingua == "it" else f"/{lingua}{percorso}"

    def percorsi(self, lingue: list[str] | None = None) -> dict[str, str]:
        """The path in each language, creating the page's data (if any) only once."""
        italiano = self.percorso("it")
        return {lingua: italiano if lingua == "it" else f"/{lingua}{italiano}" for lingua in lingue or LINGUE}

    def __str__(self) -> str:
        return self.nome


LINGUE = ["it", "en"]


def _distretto_con_scuole() -> str:
    from distretti.models import Comune, Livello
    from tests.distretti.factories import ScuolaFactory

    for n in range(27):  # more than a page: the pagination is shown
        ScuolaFactory(comune=Comune.objects.get(nome="Imola"), livello=Livello.PRIMARIA, demo=n == 0)
    return "/territorio/distretti/imola/?livello=primaria"


def _scuola() -> str:
    from distretti.models import Comune
    from tests.distretti.factories import ScuolaFactory

    scuola = ScuolaFactory(
        codice_meccanografico="BOTF00900X",
        comune=Comune.objects.get(nome="Imola"),
        pec="botf00900x@pec.istruzione.it",
        sito_web="www.scuola.example.org",
        codice_istituto_riferimento="BOIS00900X",
        denominazione_istituto_riferimento="IIS DI PROVA",
        studenti=812,
    )
    return f"/territorio/scuole/{scuola.codice_meccanografico}/"


def _progetti(pagina: str) -> str:
    from tests.progetti.factories import pagina_progetti

    return pagina_progetti(pagina)


def _rete(chiave: str) -> str:
    from tests.partnership.factories import pagina_rete

    return pagina_rete(chiave)


def _festival(chiave: str) -> str:
    from tests.eventi.factories import pagina_festival

    return pagina_festival(chiave)


def _numero_newsletter() -> str:
    from tests.newsletter.factories import NumeroInviatoFactory

    numero = NumeroInviatoFactory(oggetto="Newsletter di prova", corpo="<h2>Eventi</h2><p>Le novità.</p>")
    return reverse("newsletter:archivio_numero", args=[numero.pk])


def _ricerca() -> str:
    from tests.factories import OrganizzazioneFactory
    from tests.progetti.factories import ProgettoPubblicatoFactory

    OrganizzazioneFactory(nome="Automazioni Coppola S.r.l.", pubblica=True)
    ProgettoPubblicatoFactory(titolo="Automazione dei magazzini")
    return f"{reverse('cerca')}?q=automazione"


def _storia_di_scuola_e_organizzazione():
    """A school and an organisation with a published project together (their pages list it)."""
    from alternanza.progetti.models import ProgettoOrganizzazione
    from tests.factories import OrganizzazioneFactory
    from tests.progetti.factories import ProgettoPubblicatoFactory

    progetto = ProgettoPubblicatoFactory(titolo="Manutenzione predittiva in officina")
    org = OrganizzazioneFactory(nome="Officine Ospitanti S.r.l.", pubblica=True)
    ProgettoOrganizzazione.objects.create(progetto=progetto, organizzazione=org, ruolo="ospitante")
    return progetto.scuola, org


def _prenotazioni(chiave: str) -> str:
    """The public booking pages: the form of a class and of an individual, the confirmation and the
    personal page reached from the mail (a tampered link answers 404: tests/eventi/test_prenotazioni.py)."""
    from django.urls import reverse

    from eventi.prenotazioni import services, tokens
    from tests.eventi.factories import evento_prenotabile

    tipo = "classe" if chiave == "prenota classe" else "individuale"
    evento = evento_prenotabile(posti=30, tipo=tipo, posti_per_prenotazione=4)
    if chiave.startswith("prenota "):
        return reverse("eventi:prenota", args=[evento.slug])
    p = services.richiedi(evento, {"nome": "Anna Verdi", "email": "anna@example.org", "posti": 2}, "it")
    if chiave == "conferma":
        return reverse("eventi:prenotazione_conferma", args=[tokens.token_conferma(p)])
    services.conferma(p.pk)
    return reverse("eventi:prenotazione", args=[tokens.token_personale(p)])


PAGINE_PUBBLICHE: list[Pagina] = [
    Pagina("home", "home"),
    Pagina("privacy", "privacy"),
    Pagina("accessibilita", "accessibilita"),
    Pagina("note legali", "note_legali"),
    Pagina("contatti", "contatti"),
    Pagina("distretti", "distretti:elenco"),
    Pagina("distretto con scuole filtrate", prepara=lambda: _distretto_con_scuole()),
    Pagina("scheda scuola", prepara=lambda: _scuola()),
    *[
        Pagina(f"festival {chiave or 'home'}", prepara=lambda chiave=chiave: _festival(chiave))
        for chiave in (
            "",
            "elenco",
            "calendario",
            "evento",
            "annullato",
            "notizie",
            "notizia",
            "archivio",
            "edizione",
        )
    ],
    *[
        Pagina(f"progetti {chiave}", prepara=lambda chiave=chiave: _progetti(chiave))
        for chiave in ("vetrina", "ricerca", "progetto", "azioni", "azione", "modelli", "modello", "dati")
    ],
    *[
        Pagina(f"rete {chiave}", prepara=lambda chiave=chiave: _rete(chiave))
        for chiave in (
            "organizzazioni",
            "organizzazioni filtrate",
            "organizzazione",
            "partnership",
            "scheda partnership",
        )
    ],
    Pagina("ricerca nel portale", prepara=_ricerca),
    Pagina(
        "scuola con i suoi progetti",
        prepara=lambda: _storia_di_scuola_e_organizzazione()[0].get_absolute_url(),
    ),
    Pagina(
        "organizzazione con i suoi progetti",
        prepara=lambda: _storia_di_scuola_e_organizzazione()[1].get_absolute_url(),
    ),
    *[
        Pagina(f"prenotazioni {chiave}", prepara=lambda chiave=chiave: _prenotazioni(chiave))
        for chiave in ("prenota classe", "prenota individuale", "conferma", "prenotazione")
    ],
    Pagina("newsletter iscrizione", "newsletter:iscrizione"),
    Pagina("newsletter controlla la posta", "newsletter:controlla_posta"),
    Pagina("newsletter archivio", "newsletter:archivio"),
    Pagina("newsletter numero", prepara=_numero_newsletter),
]
