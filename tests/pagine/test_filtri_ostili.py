"""Every GET filter of the portal survives hostile values (issue 22): no 500, NUL answers 400.

The filters are found the way a visitor finds them, not from a hand-kept list: for each persona the test
opens every URL of the URLconf that takes no argument, and the pages those link to, and reads the query
parameters of their GET forms and of their links (pagination, calendar months, feeds). Then each
parameter of each page gets, alone, each hostile value: NUL, a year 9999 date, an impossible date, a
number far beyond any integer column, an overlong string, an unknown choice, a negative number.
A few parameters the test must find are asserted, so the discovery cannot silently shrink.
"""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch, Resolver404

from tests.area.dati import popola
from tests.conftest import entra
from tests.eventi.factories import festival_di_prova
from tests.progetti.factories import ProgettoPubblicatoFactory

pytestmark = pytest.mark.django_db

OSTILI = ["9999-12-31", "0000-00-00", str(10**20), "x" * 3000, "valore-sconosciuto", "-1", "1-1"]
NUL = "a\x00b"
# Not opened: they change state, leave the site or stream files (their parameters are still fuzzed).
NON_APRIRE = ("logout", "/i18n/", "/admin/", "/media/", "/static/")
FILE = (".csv", ".json", ".ics", ".xlsx", ".pdf", ".rdf", ".xml", ".ttl", "/rss/", "/atom/")
MASSIMO_PAGINE = 400  # per persona: the crawl is two levels deep, this only bounds a runaway


class _Parametri(HTMLParser):
    """The query parameters a page offers: fields of its GET forms, and query strings of its links."""

    def __init__(self, percorso: str) -> None:
        super().__init__()
        self.percorso = percorso
        self.trovati: dict[str, set[str]] = defaultdict(set)
        self.link: set[str] = set()
        self._azione: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            metodo = (a.get("method") or "get").lower()
            azione = urlsplit(a.get("action") or self.percorso).path or self.percorso
            self._azione = azione if metodo == "get" else None
        elif tag in ("input", "select", "textarea") and self._azione and a.get("name"):
            if a.get("type") not in ("submit", "button", "reset", "file"):
                self.trovati[self._azione].add(a["name"])
        elif tag == "a" and a.get("href"):
            parti = urlsplit(a["href"])
            if parti.scheme or parti.netloc:
                return
            percorso = parti.path or self.percorso
            if not percorso.startswith("/"):
                return
            self.link.add(percorso)
            for nome, _valore in parse_qsl(parti.query, keep_blank_values=True):
                self.trovati[percorso].add(nome)
        elif tag == "link" and a.get("type") == "text/calendar" and a.get("href"):
            parti = urlsplit(a["href"])
            for nome, _valore in parse_qsl(parti.query, keep_blank_values=True):
                self.trovati[parti.path].add(nome)

    def handle_endtag(self, tag):
        if tag == "form":
            self._azione = None


def _nomi(patterns, prefisso: str = "") -> list[str]:
    nomi = []
    for p in patterns:
        if isinstance(p, URLResolver):
            nomi += _nomi(p.url_patterns, f"{prefisso}{p.namespace}:" if p.namespace else prefisso)
        elif isinstance(p, URLPattern) and p.name:
            nomi.append(prefisso + p.name)
    return nomi


def _senza_argomenti() -> list[str]:
    """The path of every URL name of the URLconf whose pattern takes no argument."""
    percorsi = []
    for nome in _nomi(get_resolver().url_patterns):
        try:
            percorsi.append(reverse(nome))
        except NoReverseMatch:
            continue  # the pattern needs arguments: reached through the links of the pages
    return percorsi


def _apribile(percorso: str) -> bool:
    return not any(p in percorso for p in NON_APRIRE) and not percorso.endswith(FILE)


def _vista(percorso: str) -> str | None:
    """The URL name behind a path (one page per view is enough: the same code reads the same filters)."""
    try:
        return resolve(percorso).view_name
    except Resolver404:
        return None


def _filtri(client) -> dict[str, set[str]]:
    """Path → the GET parameters its pages offer, over a two-level crawl from every argument-free URL."""
    filtri: dict[str, set[str]] = defaultdict(set)
    visti: set[str] = set()
    viste: set[str | None] = set()
    livello = sorted(set(_senza_argomenti()))
    for _profondita in range(2):
        prossimo: set[str] = set()
        for percorso in livello:
            vista = _vista(percorso)
            if vista in viste or not _apribile(percorso) or len(visti) >= MASSIMO_PAGINE:
                continue
            visti.add(percorso)
            viste.add(vista)
            risposta = client.get(percorso)
            assert risposta.status_code < 500, f"{percorso} answers {risposta.status_code} without parameters"
            if risposta.status_code != 200 or not risposta["Content-Type"].startswith("text/html"):
                continue
            lettore = _Parametri(percorso)
            lettore.feed(risposta.content.decode())
            for dove, nomi in lettore.trovati.items():
                filtri[dove] |= nomi
            prossimo |= lettore.link
        livello = sorted(prossimo - visti)
    per_vista: dict[str, tuple[str, set[str]]] = {}
    for percorso, nomi in sorted(filtri.items()):
        vista = _vista(percorso)
        if vista is None or not nomi or any(x in percorso for x in NON_APRIRE):
            continue
        per_vista.setdefault(vista, (percorso, set()))[1].update(nomi)
    return dict(per_vista.values())


@pytest.fixture
def dati(scuola_a, organizzazione, distretto_a, referente_a):
    popola(1, scuola=scuola_a, organizzazione=organizzazione, distretto=distretto_a, referente=referente_a)
    festival_di_prova()
    ProgettoPubblicatoFactory(scuola=scuola_a)


PERSONE = [None, "referente_a", "ufficio_a", "staff", "referente_org"]


def test_nessun_filtro_risponde_500_a_valori_ostili(client, request, dati):
    """Each (view, parameter) once, as the first persona whose pages offer it: the same code reads the
    same filter whoever asks, and the scopes are the permission matrix's business."""
    client.raise_request_exception = False  # a crash is a 500 to collect, not an exception that stops
    provati: set[tuple[str | None, str]] = set()
    trovati: dict[str | None, dict[str, set[str]]] = {}
    cadute, nul_accettati = [], []
    for persona in PERSONE:
        entra(client, request.getfixturevalue(persona) if persona else None)
        trovati[persona] = filtri = _filtri(client)
        for percorso, nomi in sorted(filtri.items()):
            vista = _vista(percorso)
            nuovi = sorted(n for n in nomi if (vista, n) not in provati)
            for nome in nuovi:
                provati.add((vista, nome))
                for valore in OSTILI:
                    stato = client.get(percorso, {nome: valore}).status_code
                    if stato >= 500:
                        cadute.append(f"{persona}: {percorso}?{nome}={valore[:20]} → {stato}")
            if nuovi and (stato := client.get(percorso, {nuovi[0]: NUL}).status_code) != 400:
                nul_accettati.append(f"{persona}: {percorso}?{nuovi[0]}=NUL → {stato}")
    assert not cadute, f"{len(cadute)} hostile values answered 5xx:\n" + "\n".join(cadute)
    assert not nul_accettati, "NUL not refused with 400:\n" + "\n".join(nul_accettati)
    # The filters the issue found crashing are among those fuzzed: the discovery cannot silently shrink.
    for persona, percorso, nome in [
        (None, reverse("eventi:elenco"), "a"),
        (None, reverse("eventi:calendario"), "mese"),
        (None, reverse("progetti:vetrina"), "distretto"),
        ("ufficio_a", reverse("progetti:azioni"), "distretto"),
        ("staff", reverse("utenti:sicurezza"), "pagina"),
    ]:
        assert nome in trovati[persona].get(percorso, set()), f"the crawl missed ?{nome}= on {percorso}"
    assert len(provati) > 100, f"only {len(provati)} parameters found: the crawl is broken"


def test_nul_nel_percorso_risponde_400(client):
    client.raise_request_exception = False
    assert client.get("/festival/\x00/").status_code == 400
    assert client.get("/", {"q": "\x00"}).status_code == 400
    assert client.get("/", QUERY_STRING="q=%01").status_code == 400


def test_una_data_fuori_intervallo_ha_il_messaggio_nel_campo(client):
    client.raise_request_exception = False
    risposta = client.get(reverse("eventi:elenco"), {"a": "9999-12-31"})
    assert risposta.status_code == 200
    assert "Inserisci una data tra il 2000 e il 2100." in risposta.content.decode()


@pytest.mark.parametrize("mese", ["0001-01", "9999-12", "1-1", "2026-13", "abc", "2101-01"])
def test_il_calendario_rifiuta_i_mesi_impossibili_con_400(client, mese):
    client.raise_request_exception = False
    assert client.get(reverse("eventi:calendario"), {"mese": mese}).status_code == 400


def test_il_calendario_non_offre_mesi_oltre_il_2100(client):
    html = client.get(reverse("eventi:calendario"), {"mese": "2100-12"}).content.decode()
    assert 'rel="prev"' in html and 'rel="next"' not in html


def test_il_registro_delle_modifiche_non_legge_oltre_l_ultima_pagina(client, staff):
    """?pagina=N read N×50 rows of every history table: now the log stops at PAGINE_MASSIME."""
    from alternanza.utenti.storico import PAGINE_MASSIME

    entra(client, staff)
    client.raise_request_exception = False
    url = reverse("utenti:modifiche")
    assert client.get(url, {"pagina": str(10**20)}).status_code == 404
    assert client.get(url, {"pagina": PAGINE_MASSIME + 1}).status_code == 404
    ultima = client.get(url, {"pagina": PAGINE_MASSIME})
    assert ultima.status_code == 200
    assert "Meno recenti" not in ultima.content.decode()
