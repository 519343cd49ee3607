"""English translation (issue #2): Italian first, every string translated into English.

The catalogs are checked as files (nothing untranslated or fuzzy, the same placeholders on both sides,
the glossary kept), then public and reserved pages are fetched under /en/ and must show their English
title and none of the Italian interface strings of the catalogs. The pages need the compiled .mo files
(`make messages`, a step of `make test`).
"""

import html
import re
from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url

from distretti.models import AmbitoTematico
from tests.browser.pagine import PAGINE_PUBBLICHE
from tests.conftest import entra

CATALOGO_PROGETTO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _cataloghi() -> list[Path]:
    """The project catalog (LOCALE_PATHS) and the catalog of every app of ours that has one."""
    trovati = [Path(p) / "en" / "LC_MESSAGES" / "django.po" for p in settings.LOCALE_PATHS]
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        cartella = Path(config.path).resolve()
        # Our apps only, not Django's or allauth's (the virtualenv may live inside the project folder).
        if base in cartella.parents and "site-packages" not in cartella.parts:
            trovati.append(cartella / "locale" / "en" / "LC_MESSAGES" / "django.po")
    return sorted({p for p in trovati if p.exists()})


CATALOGHI = _cataloghi()


def _nome(percorso: Path) -> str:
    return str(percorso.relative_to(settings.BASE_DIR))


# printf-style placeholders (%(name)s, %s, %d, %.1f) — "%%" is a literal percent sign, not a placeholder.
SEGNAPOSTO_PERCENTO = re.compile(r"%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[sdfir]|%[#0+-]*\d*(?:\.\d+)?[sdfir]")
SEGNAPOSTO_GRAFFE = re.compile(r"\{[A-Za-z_0-9]*(?:[.!:][^{}]*)?\}")
TAG_HTML = re.compile(r"</?[a-zA-Z][^>]*>")


def _segnaposto(testo: str, voce: polib.POEntry) -> list[str]:
    trovati = []
    if "python-format" in voce.flags:
        trovati += SEGNAPOSTO_PERCENTO.findall(testo.replace("%%", ""))
    trovati += SEGNAPOSTO_GRAFFE.findall(testo)
    # Tags are compared by name and attributes' placeholders, not by text (href targets stay the same).
    trovati += [re.sub(r"\s+", " ", t) for t in TAG_HTML.findall(testo)]
    return sorted(trovati)


def _traduzioni(voce: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs of an entry; for plurals each form against its source form."""
    if voce.msgid_plural:
        forme = [voce.msgstr_plural[k] for k in sorted(voce.msgstr_plural)]
        return [(voce.msgid if i == 0 else voce.msgid_plural, forma) for i, forma in enumerate(forme)]
    return [(voce.msgid, voce.msgstr)]


def test_ci_sono_i_cataloghi_inglesi_del_progetto_e_delle_app():
    nomi = {_nome(p) for p in CATALOGHI}
    assert "locale/en/LC_MESSAGES/django.po" in nomi
    assert len(CATALOGHI) >= 2


@pytest.mark.parametrize("catalogo", CATALOGHI, ids=_nome)
def test_catalogo_completo_senza_voci_fuzzy_ne_da_tradurre(catalogo):
    po = polib.pofile(str(catalogo))
    assert po.metadata.get("Language") == "en"
    assert "nplurals=2" in po.metadata.get("Plural-Forms", "")
    da_tradurre = [v.msgid for v in po.untranslated_entries()]
    fuzzy = [v.msgid for v in po.fuzzy_entries()]
    assert da_tradurre == [], f"{len(da_tradurre)} voci senza traduzione in {_nome(catalogo)}"
    assert fuzzy == [], f"{len(fuzzy)} voci fuzzy (ignorate da compilemessages) in {_nome(catalogo)}"
    plurali_incompleti = [v.msgid for v in po if v.msgid_plural and not all(v.msgstr_plural.values())]
    assert plurali_incompleti == []


@pytest.mark.parametrize("catalogo", CATALOGHI, ids=_nome)
def test_segnaposto_tag_e_spazi_identici_tra_italiano_e_inglese(catalogo):
    po = polib.pofile(str(catalogo))
    diversi = []
    for voce in po.translated_entries():
        for originale, traduzione in _traduzioni(voce):
            atteso = _segnaposto(originale, voce)
            ottenuto = _segnaposto(traduzione, voce)
            # English singular may drop the number ("one page"), never add or rename a placeholder.
            plurale_singolare = voce.msgid_plural and originale == voce.msgid and set(ottenuto) <= set(atteso)
            if ottenuto != atteso and not plurale_singolare:
                diversi.append((voce.msgid, traduzione))
            # Leading/trailing newlines and spaces carry layout (e-mail text templates).
            if originale != originale.strip() and (
                originale[: len(originale) - len(originale.lstrip())]
                != traduzione[: len(traduzione) - len(traduzione.lstrip())]
                or originale[len(originale.rstrip()) :] != traduzione[len(traduzione.rstrip()) :]
            ):
                diversi.append((voce.msgid, traduzione))
    assert diversi == []


def test_il_controllo_dei_segnaposto_vede_un_nome_cambiato():
    voce = polib.POEntry(
        msgid="Pagina %(n)s di %(tot)s", msgstr="Page %(n)s of %(totale)s", flags=["python-format"]
    )
    assert _segnaposto(voce.msgid, voce) != _segnaposto(voce.msgstr, voce)
    percento = polib.POEntry(msgid="%% dei progetti", msgstr="%% of projects", flags=["python-format"])
    assert _segnaposto(percento.msgid, percento) == _segnaposto(percento.msgstr, percento) == []


def test_il_catalogo_del_progetto_non_cambia_le_traduzioni_delle_app():
    """LOCALE_PATHS wins over the apps' catalogs: an entry of the project catalog with the same msgid (and
    context) as an app's entry replaces it everywhere. Its English must be one the apps use too; words with
    different meanings ("Mostra": show / exhibition, "Pubblica": publish / public) need a context
    (pgettext, {% translate ... context ... %})."""
    delle_app = defaultdict(set)
    for catalogo in CATALOGHI:
        if catalogo != CATALOGO_PROGETTO:
            for voce in polib.pofile(str(catalogo)).translated_entries():
                delle_app[(voce.msgctxt, voce.msgid)].add(tuple(t for _o, t in _traduzioni(voce)))
    # Every catalog says "municipality" for "comune" (the territory catalog used to keep the Italian word).
    diverse = []
    for voce in polib.pofile(str(CATALOGO_PROGETTO)).translated_entries():
        loro = delle_app.get((voce.msgctxt, voce.msgid))
        nostra = tuple(t for _o, t in _traduzioni(voce))
        if loro and nostra not in loro:
            diverse.append((voce.msgid, nostra, loro))
    assert diverse == []


# The glossary of the English version: the same Italian term always gets the same English term.
GLOSSARIO = [
    ("città metropolitana", "metropolitan city"),
    ("ufficio tecnico distrettuale", "district technical office"),
    ("uffici tecnici distrettuali", "district technical offices"),
    ("ufficio distrettuale", "district office"),
    ("alternanza scuola-lavoro", "school–work alternation"),
    ("festival della cultura tecnica", "festival of technical culture"),
    ("ambito tematico", "thematic area"),
    ("ambiti tematici", "thematic areas"),
    ("referente scolastico", "school coordinator"),
    ("modello di intervento", "intervention model"),
    ("modelli di intervento", "intervention models"),
    ("azione di rete", "network action"),
    ("azioni di rete", "network actions"),
    ("organi di governance", "governance bodies"),
    ("anno scolastico", "school year"),
    ("vetrina", "showcase"),
    ("formazione sulla sicurezza", "safety training"),
    ("assistenza tecnica", "technical assistance"),
    ("area riservata", "reserved area"),
    ("conferenza territoriale", "territorial conference"),
    ("organizzazione ospitante", "host organisation"),
]


def test_glossario_rispettato_nel_catalogo_del_progetto():
    po = polib.pofile(str(CATALOGO_PROGETTO))
    fuori_glossario = []
    for voce in po.translated_entries():
        for originale, traduzione in _traduzioni(voce):
            for italiano, inglese in GLOSSARIO:
                if italiano in originale.lower() and inglese not in traduzione.lower():
                    fuori_glossario.append((italiano, originale, traduzione))
    assert fuori_glossario == []


def test_inglese_britannico_nel_catalogo_del_progetto():
    po = polib.pofile(str(CATALOGO_PROGETTO))
    americano = re.compile(r"\b(organiz\w*|license|catalog|color|center|program)\b", re.IGNORECASE)
    trovati = [v.msgstr for v in po.translated_entries() if americano.search(v.msgstr)]
    assert trovati == []


# --- Pages under /en/ --------------------------------------------------------------------------------

# Interface strings that give away an untranslated page (base template, feedback, lists, forms).
ITALIANO_DI_INTERFACCIA = [
    "Vai al contenuto principale",
    "Vai al piè di pagina",
    "Ultimo aggiornamento",
    "Quanto sono chiare",
    "Invia la valutazione",
    "Percorso di navigazione",
    "Area riservata",
    "Informativa privacy",
    "Dichiarazione di accessibilità",
    "Esperienze delle scuole",
    "Distretti e scuole",
    "Anno scolastico",
    "Ambito tematico",
    "Precedente",
    "Successiva",
]

# Catalog strings that may also be data (names, titles) or Italian official terms quoted in the English
# text on purpose, e.g. "school code (codice meccanografico)".
NON_SEGNALARE = {
    "Festival della Cultura tecnica",
    "Città metropolitana di Bologna",
    "Via Zamboni 13, 40126 Bologna",
    "codice meccanografico",
    "Codice meccanografico",
}


def _frasi_italiane_dei_cataloghi() -> set[str]:
    """Italian interface phrases (several words, no placeholder) whose English text differs."""
    frasi = set()
    for catalogo in CATALOGHI:
        for voce in polib.pofile(str(catalogo)).translated_entries():
            testo = voce.msgid
            if (
                voce.msgid_plural
                or len(testo) < 14
                or " " not in testo
                or "%" in testo
                or "{" in testo
                or "<" in testo
                or "\n" in testo
                or voce.msgstr == testo
                or testo in NON_SEGNALARE
            ):
                continue
            frasi.add(testo)
    return frasi


def _testo(risposta) -> str:
    assert risposta.status_code == 200, risposta.status_code
    assert risposta["Content-Language"] == "en"
    contenuto = risposta.content.decode()
    assert '<html lang="en"' in contenuto
    return html.unescape(re.sub(r"\s+", " ", contenuto))


def _senza_vocabolari_dei_dati(testo: str) -> str:
    """Database text that stays Italian (proper names, districts' descriptions: no English column) is left
    out, so that a catalog phrase inside it is not taken for the interface. The thematic areas are not left
    out: their names are translated (alternanza/vocabolari.py)."""
    from distretti.models import Distretto
    from partnership.models import AreaS3, Organizzazione

    dati = [
        "Città metropolitana di Bologna",  # the institution's legal name (JSON-LD organizer, publisher)
        *AreaS3.objects.values_list("nome", flat=True),
        *Organizzazione.objects.values_list("nome", flat=True),
    ]
    for riga in Distretto.objects.values_list(
        "descrizione", "ufficio_nome", "ufficio_indirizzo", "organi_governance"
    ):
        dati += [r for campo in riga for r in campo.splitlines()]
    for voce in sorted(filter(None, dati), key=len, reverse=True):
        testo = testo.replace(voce.strip(), "")
    return testo


def _controlla_in_inglese(risposta, titolo: str, frasi: set[str]) -> None:
    testo = _senza_vocabolari_dei_dati(_testo(risposta))
    assert titolo in testo
    rimaste = [f for f in ITALIANO_DI_INTERFACCIA if f in testo]
    rimaste += sorted(f for f in frasi if f in testo)
    assert rimaste == [], f"frasi italiane in {risposta.request['PATH_INFO']}: {rimaste}"


def _in_inglese(nome: str, *args) -> str:
    return translate_url(reverse(nome, args=args), "en")


@pytest.fixture
def frasi():
    return _frasi_italiane_dei_cataloghi()


@pytest.mark.django_db
def test_le_frasi_controllate_ci_sono_nella_versione_italiana(client, frasi):
    """The check of the English pages is not empty: the same phrases are on the Italian pages."""
    testo = html.unescape(client.get(reverse("progetti:vetrina")).content.decode())
    assert {"Vai al contenuto principale", "Quanto sono chiare", "Esperienze delle scuole"} <= {
        f for f in ITALIANO_DI_INTERFACCIA if f in testo
    }
    assert "Cerca e filtra i progetti" in frasi and "Cerca e filtra i progetti" in testo


def test_ambiti_tematici_dei_dati_tutti_marcati_per_la_traduzione():
    from distretti.territorio import AMBITI_TEMATICI as DATI
    from distretti.vocabolari import AMBITI_TEMATICI

    assert [nome for _slug, nome in DATI] == AMBITI_TEMATICI
    po = polib.pofile(str(CATALOGO_PROGETTO))
    tradotti = {v.msgid for v in po.translated_entries()}
    assert set(AMBITI_TEMATICI) <= tradotti


@pytest.mark.django_db
def test_ambiti_tematici_in_inglese_in_home_vetrina_e_filtri(client):
    from tests.progetti.factories import ProgettoPubblicatoFactory

    progetto = ProgettoPubblicatoFactory()
    progetto.ambiti.set(AmbitoTematico.objects.filter(slug__in=["gap-di-genere", "orientamento"]))
    home = _testo(client.get(_in_inglese("home")))
    assert "Closing the gender gap in technical and scientific fields" in home
    assert "Superamento del gap di genere" not in home
    vetrina = _testo(client.get(_in_inglese("progetti:vetrina")))
    assert vetrina.count("Closing the gender gap in technical and scientific fields") >= 2  # filter + card
    assert "Superamento del gap di genere" not in vetrina
    from tests.eventi.factories import festival_di_prova

    evento = _testo(client.get(translate_url(festival_di_prova()["bologna"].get_absolute_url(), "en")))
    assert "Technical culture in primary and lower secondary school curricula" in evento
    # The Italian pages keep the Italian names (the cached filter choices are shared by both languages).
    italiano = html.unescape(client.get(translate_url(reverse("progetti:vetrina"), "it")).content.decode())
    assert "Superamento del gap di genere in ambito tecnico e scientifico" in italiano


@pytest.mark.django_db
def test_percorso_inglese_con_prefisso_en(client):
    assert _in_inglese("home") == "/en/"
    assert _in_inglese("progetti:vetrina").startswith("/en/")


@pytest.mark.django_db
def test_pagine_pubbliche_in_inglese(client, frasi, distretto_a, organizzazione):
    from tests.progetti.factories import (
        AzioneDiReteFactory,
        ModelloInterventoFactory,
        ProgettoPubblicatoFactory,
    )

    progetto = ProgettoPubblicatoFactory(titolo="Officina digitale", ospitanti=[organizzazione])
    azione = AzioneDiReteFactory(titolo="Scambio tra distretti")
    azione.distretti.set([distretto_a])
    modello = ModelloInterventoFactory(azione=azione, titolo="Laboratori aperti")
    pagine = [
        (_in_inglese("home"), "The network"),
        (_in_inglese("distretti:elenco"), "Districts and schools"),
        (_in_inglese("distretti:dettaglio", distretto_a.slug), f"{distretto_a.nome} district"),
        (_in_inglese("progetti:vetrina"), "School experiences"),
        (_in_inglese("progetti:progetto", progetto.pk), "Safety training"),
        (_in_inglese("progetti:azioni"), "Network actions"),
        (_in_inglese("progetti:azione", azione.pk), "Districts involved"),
        (_in_inglese("progetti:modelli"), "Library of intervention models"),
        (_in_inglese("progetti:modello", modello.pk), "Phases"),
        (_in_inglese("progetti:dati"), "Open data"),
        (_in_inglese("partnership:organizzazioni"), "Organisations of the network"),
        (_in_inglese("privacy"), "Notice on the processing of personal data"),
        (_in_inglese("accessibilita"), "Accessibility statement"),
        (_in_inglese("note_legali"), "Legal notice"),
        (_in_inglese("contatti"), "Contacts"),
    ]
    for percorso, titolo in pagine:
        _controlla_in_inglese(client.get(percorso), titolo, frasi)


@pytest.mark.django_db
@pytest.mark.parametrize("pagina", PAGINE_PUBBLICHE, ids=str)
def test_ogni_pagina_pubblica_in_inglese_senza_frasi_italiane(client, frasi, pagina):
    """Every page of the shared list of public pages (tests/browser/pagine.py), under /en/."""
    risposta = client.get(pagina.percorso("en"))
    testo = _senza_vocabolari_dei_dati(_testo(risposta))
    rimaste = [f for f in ITALIANO_DI_INTERFACCIA if f in testo] + sorted(f for f in frasi if f in testo)
    assert rimaste == []


@pytest.mark.django_db
def test_pagina_del_festival_in_inglese(client, frasi):
    try:
        percorso = _in_inglese("eventi:festival")
    except NoReverseMatch:  # pragma: no cover - the Festival section is wired by its own area
        pytest.fail("la pagina eventi:festival non esiste")
    _controlla_in_inglese(client.get(percorso), "Festival of Technical Culture", frasi)


@pytest.mark.django_db
def test_pagine_riservate_dei_progetti_in_inglese(client, frasi, scuola_a, referente_a, ufficio_a):
    from alternanza.progetti.models import StatoProgetto
    from tests.progetti.factories import ProgettoFactory

    bozza = ProgettoFactory(scuola=scuola_a, titolo="Robotica in azienda")
    ProgettoFactory(scuola=scuola_a, titolo="Meccatronica", stato=StatoProgetto.INVIATO)
    entra(client, referente_a)
    _controlla_in_inglese(client.get(_in_inglese("progetti:miei")), "My projects", frasi)
    _controlla_in_inglese(client.get(_in_inglese("progetti:nuovo")), "New alternation project", frasi)
    _controlla_in_inglese(client.get(_in_inglese("progetti:modifica", bozza.pk)), "Edit the project", frasi)
    _controlla_in_inglese(
        client.get(_in_inglese("progetti:allegati", bozza.pk)), "Documents and photos", frasi
    )
    entra(client, ufficio_a)
    _controlla_in_inglese(client.get(_in_inglese("progetti:revisione")), "Project review", frasi)


@pytest.mark.django_db
def test_pagine_dei_report_in_inglese(client, frasi, staff):
    entra(client, staff)
    _controlla_in_inglese(client.get(_in_inglese("report:elenco")), "Request a report", frasi)
    _controlla_in_inglese(client.get(_in_inglese("report:nuovo")), "Type of report", frasi)
    _controlla_in_inglese(client.get(_in_inglese("report:cruscotto")), "Indicator dashboard", frasi)


@pytest.mark.django_db
def test_grafici_del_cruscotto_nella_lingua_della_pagina_anche_dalla_cache(client, staff):
    entra(client, staff)
    italiano = client.get(translate_url(reverse("report:cruscotto"), "it")).content.decode()
    assert "Quota di progetti per ambito tematico" in html.unescape(italiano)
    inglese = _testo(client.get(_in_inglese("report:cruscotto")))  # the Italian charts are in the cache now
    assert "Share of projects by thematic area" in inglese
    assert "Quota di progetti per ambito tematico" not in inglese


@pytest.mark.django_db
def test_messaggi_del_codice_in_inglese_sotto_en(client, scuola_a, referente_a):
    """A flash message from a view follows the language of the request, not the default Italian."""
    from tests.progetti.factories import ProgettoFactory

    progetto = ProgettoFactory(scuola=scuola_a)
    entra(client, referente_a)
    risposta = client.post(_in_inglese("progetti:transizione", progetto.pk, "invia"), follow=True)
    testo = _testo(risposta)
    assert "Done: the project is now" in testo or "You cannot perform this operation" in testo
    assert "Fatto: il progetto ora è" not in testo


# --- Every string of the code is in a catalog ---------------------------------------------------------


def test_ogni_stringa_traducibile_del_codice_ha_la_sua_traduzione_inglese(tmp_path):
    """makemessages run on a copy of the sources (the real catalogs are never regenerated: see
    CONTRIBUTING): each msgid it extracts must have an English translation in one of our catalogs."""
    import shutil
    import subprocess
    import sys

    base = Path(settings.BASE_DIR)
    copia = tmp_path / "sorgenti"

    def ignora(cartella, nomi):
        return [n for n in nomi if n in {".venv", "node_modules", "tests", "bench", "var", ".git", "static"}]

    shutil.copytree(base, copia, ignore=ignora, symlinks=True)
    for vecchio in copia.glob("**/locale/en/LC_MESSAGES/django.po"):
        vecchio.unlink()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "-v0", "--ignore=*/locale/*"],
        cwd=copia,
        check=True,
        env={
            **__import__("os").environ,
            "PYTHONPATH": str(copia),
            "DJANGO_SETTINGS_MODULE": "alternanza.settings_test",
        },
    )
    tradotte = set()
    for catalogo in CATALOGHI:
        tradotte |= {(v.msgctxt, v.msgid) for v in polib.pofile(str(catalogo)).translated_entries()}
    mancanti = []
    for estratto in copia.glob("**/locale/en/LC_MESSAGES/django.po"):
        for voce in polib.pofile(str(estratto)):
            if (voce.msgctxt, voce.msgid) not in tradotte:
                mancanti.append((voce.msgid, voce.occurrences[:1]))
    assert mancanti == []


# --- Words that must never show on an English page ------------------------------------------------------

# Italian words that used to leak into English pages: labels frozen at import (django-filter's sort
# options), the territory catalog's "comune", untranslated choices.
PAROLE_ITALIANE = re.compile(
    r"\b(Comune|Comuni|comune|comuni|decrescente|crescente|Nome \(|Ordina per|Cerca)\b"
)


@pytest.mark.django_db
def test_pagine_con_filtri_e_ordinamenti_in_inglese_senza_parole_italiane(
    client, distretto_a, organizzazione, staff
):
    from partnership.models import Accordo
    from tests.eventi.factories import festival_di_prova

    festival_di_prova()
    entra(client, staff)
    client.get(
        reverse("partnership:ufficio_organizzazioni")
    )  # the Italian page first: nothing may stay cached
    pagine = [
        _in_inglese("partnership:ufficio_organizzazioni"),
        _in_inglese("partnership:ufficio_partnership"),
        _in_inglese("partnership:ufficio_accordi"),
        _in_inglese("partnership:organizzazioni"),
        _in_inglese("progetti:vetrina"),
        _in_inglese("distretti:elenco"),
        _in_inglese("distretti:dettaglio", distretto_a.slug),
        _in_inglese("eventi:festival"),
        _in_inglese("eventi:elenco"),
    ]
    trovate = {}
    for percorso in pagine:
        testo = _senza_vocabolari_dei_dati(_testo(client.get(percorso)))
        for titolo in Accordo.objects.values_list("titolo", flat=True):  # agreements' titles are data
            testo = testo.replace(titolo, "")
        testo = re.sub(r"<[^>]+>", " ", testo)  # text only: URLs and attributes may keep Italian names
        parole = sorted(set(PAROLE_ITALIANE.findall(testo)))
        if parole:
            trovate[percorso] = parole
    assert trovate == {}
    inglese = _testo(client.get(_in_inglese("partnership:ufficio_organizzazioni")))
    assert "Name (descending)" in inglese and "Municipality" in inglese
    italiano = html.unescape(
        client.get(translate_url(reverse("partnership:ufficio_organizzazioni"), "it")).content.decode()
    )
    assert "Nome (decrescente)" in italiano
