"""Every tool of every persona is reachable within two clicks of the workspace (issue 14).

The crawl starts at the home page as the persona, follows the header's link to the workspace, then
follows every internal link of the workspace (one click) and of each page reached (two clicks). A tool
is a named URL of the persona's work; the test fails naming the tools it did not reach.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.area.dati import popola
from tests.conftest import entra

pytestmark = pytest.mark.django_db

# The tools of each persona: URL names without arguments (the pages with arguments hang off these lists).
STRUMENTI = {
    "referente_a": [
        "progetti:miei",
        "progetti:nuovo",
        "eventi:proponi",
        "eventi:gestione",
        "partnership:convenzioni",
        "partnership:convenzione_nuova",
        "partnership:offerte",
        "utenti:profilo",
        "utenti:richiedi_ruolo",
        "utenti:miei_dati",
        "mfa_index",
    ],
    "ufficio_a": [
        "progetti:revisione",
        "progetti:azioni",
        "progetti:azione_nuova",
        "progetti:modelli",
        "utenti:richieste",
        "eventi:gestione",
        "partnership:ufficio_organizzazioni",
        "partnership:ufficio_partnership",
        "partnership:ufficio_accordi",
        "partnership:convenzioni",
        "report:elenco",
        "report:nuovo",
        "report:cruscotto",
        "utenti:profilo",
        "mfa_index",
    ],
    "staff": [
        "progetti:revisione",
        "progetti:azioni",
        "progetti:modelli",
        "utenti:richieste",
        "utenti:utenti",
        "utenti:inviti",
        "utenti:sicurezza",
        "utenti:modifiche",
        "eventi:gestione",
        "newsletter:numeri",
        "newsletter:numero_nuovo",
        "newsletter:iscritti",
        "newsletter:iscritti_importa",
        "report:elenco",
        "report:nuovo",
        "report:cruscotto",
        "distretti:importa",
        "partnership:importa_organizzazioni",
        "partnership:organizzazione_nuova",
        "partnership:accordo_nuovo",
        "partnership:partnership_nuova",
        "partnership:ufficio_organizzazioni",
        "partnership:ufficio_accordi",
        "partnership:convenzioni",
        "valutazioni_staff",
    ],
    "referente_org": [
        "partnership:mia_organizzazione",
        "partnership:offerta_nuova",
        "partnership:offerte",
        "partnership:convenzioni",
        "eventi:proponi",
        "utenti:profilo",
    ],
}
# Never followed: they change state, download files or leave the site.
NON_SEGUIRE = re.compile(r"(logout|/i18n/|\.(csv|json|ics|xlsx|pdf|rdf|xml)$|/rss/|/atom/|/scarica/|/export)")
LINK = re.compile(r'<a\s[^>]*href="([^"#]+)', re.I)


def _link(html: str) -> set[str]:
    trovati = set()
    for href in LINK.findall(html):
        parti = urlsplit(unescape(href))
        if parti.scheme or parti.netloc or not parti.path.startswith("/"):
            continue
        if NON_SEGUIRE.search(parti.path):
            continue
        trovati.add(parti.path)
    return trovati


def _raggiunte(client) -> set[str]:
    home = client.get("/").content.decode()
    area = reverse("area:home")
    intestazione = home[home.index("<header") : home.index("</header>")]
    assert area in _link(intestazione), "the header has no link to the workspace"
    risposta = client.get(area)
    assert risposta.status_code == 200
    primo_click = _link(risposta.content.decode())
    raggiunte = set(primo_click)
    for percorso in sorted(primo_click):
        pagina = client.get(percorso)
        if pagina.status_code == 200 and pagina["Content-Type"].startswith("text/html"):
            raggiunte |= _link(pagina.content.decode())
    return raggiunte


@pytest.mark.parametrize("persona", sorted(STRUMENTI))
def test_ogni_strumento_a_due_click_dall_area(
    client, request, persona, scuola_a, organizzazione, distretto_a
):
    popola(1, scuola=scuola_a, organizzazione=organizzazione, distretto=distretto_a)
    entra(client, request.getfixturevalue(persona))
    raggiunte = _raggiunte(client)
    mancanti = [nome for nome in STRUMENTI[persona] if reverse(nome) not in raggiunte]
    assert not mancanti, f"{persona}: not reachable within two clicks of the workspace: {mancanti}"


def test_il_crawl_si_accorge_di_uno_strumento_irraggiungibile(client, referente_a):
    """The crawl's own check: a page nobody links is not reported as reached."""
    entra(client, referente_a)
    assert reverse("utenti:sicurezza") not in _raggiunte(client)
