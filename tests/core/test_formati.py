"""Dates and numbers as each language writes them (alternanza/formats), through the real templates."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import formats, translation

from tests.eventi.factories import NotiziaFactory, festival_di_prova, ora_roma

GIORNO = datetime.date(2026, 12, 9)  # a Wednesday


@pytest.mark.parametrize(
    "lingua, attese",
    [
        ("it", ["9 dicembre 2026", "09/12/2026", "mercoledì 9 dicembre", "dicembre 2026"]),
        ("en", ["9 December 2026", "09/12/2026", "Wednesday 9 December", "December 2026"]),
    ],
)
def test_formati_con_nome_per_lingua(lingua, attese):
    with translation.override(lingua):
        ottenute = [
            formats.date_format(GIORNO, nome)
            for nome in ("DATE_FORMAT", "SHORT_DATE_FORMAT", "GIORNO_FORMAT", "YEAR_MONTH_FORMAT")
        ]
        assert ottenute == attese
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"


def test_nessun_modello_scrive_a_mano_un_formato_di_data_da_leggere():
    """Templates name a format (DATE_FORMAT, GIORNO_FORMAT...): characters such as "j F Y" or "d/m/Y"
    would print the same order in every language. Machine formats (c, Y-m-d, Ymd, Y-m) and single
    calendar parts (l, D j, M, j) are allowed."""
    consentiti = {"c", "Y-m-d", "Ymd", "Y-m", "l", "D j", "M", "j", "U"}
    import re

    uso = re.compile(r"\|(?:date|time):[\"']([^\"']+)[\"']")
    base = Path(settings.BASE_DIR)
    sbagliati = []
    for modello in base.glob("**/templates/**/*.*"):
        if ".venv" in modello.parts or "node_modules" in modello.parts or "site-packages" in modello.parts:
            continue
        if modello.suffix not in (".html", ".txt"):
            continue
        for formato in uso.findall(modello.read_text()):
            if formato not in consentiti and not formato.endswith("_FORMAT"):
                sbagliati.append((str(modello.relative_to(base)), formato))
    assert sbagliati == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lingua, attesa, mai", [("it", "2 dicembre 2026", "Dicembre"), ("en", "2 December 2026", "December 2,")]
)
def test_data_di_una_notizia_nella_lingua_della_pagina(client, lingua, attesa, mai):
    notizia = NotiziaFactory(data_pubblicazione=ora_roma(2026, 12, 2, 9))
    testo = client.get(translate_url(notizia.get_absolute_url(), lingua)).content.decode()
    assert attesa in testo
    assert mai not in testo


@pytest.mark.django_db
@pytest.mark.parametrize("lingua, attesa", [("it", "12.345"), ("en", "12,345")])
def test_numeri_del_festival_con_i_separatori_della_lingua(client, monkeypatch, lingua, attesa):
    from eventi.views import festival as viste

    festival_di_prova()
    monkeypatch.setattr(
        viste,
        "_contatori",
        lambda edizione: dict.fromkeys(["eventi", "scuole", "organizzazioni", "comuni"], 12345),
    )
    testo = client.get(translate_url(reverse("eventi:festival"), lingua)).content.decode()
    assert f'<span class="numero">{attesa}</span>' in testo
