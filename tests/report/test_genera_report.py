"""`manage.py genera_report` renders the same report synchronously; bench/report.py times it."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from tests.report.factories import ANNO, dati_piccoli

pytestmark = pytest.mark.django_db


def test_comando_scrive_il_report_di_distretto(tmp_path):
    dati_piccoli()
    uscita = tmp_path / "imola.pdf"
    allegato = tmp_path / "imola.xlsx"
    out = io.StringIO()
    call_command(
        "genera_report",
        "--tipo",
        "distretto",
        "--distretto",
        "imola",
        "--anno",
        ANNO,
        "--output",
        str(uscita),
        "--allegato",
        str(allegato),
        stdout=out,
    )
    lettore = PdfReader(uscita)
    testo = " ".join(p.extract_text() for p in lettore.pages)
    assert "Report di distretto 2025/26 – Imola" in " ".join(testo.split())
    assert f"{len(lettore.pages)} pagine" in out.getvalue()
    assert allegato.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("argomenti", "messaggio"),
    [
        (["--tipo", "distretto", "--anno", ANNO], "richiede --distretto"),
        (["--tipo", "tematico", "--anno", ANNO], "richiede --ambito"),
        (["--tipo", "distretto", "--distretto", "atlantide", "--anno", ANNO], "Distretto sconosciuto"),
        (["--tipo", "metropolitano", "--anno", "2025/27"], "(?i)anno scolastico"),
    ],
)
def test_comando_rifiuta_argomenti_sbagliati(tmp_path, argomenti, messaggio):
    with pytest.raises(CommandError, match=messaggio):
        call_command("genera_report", *argomenti, "--output", str(tmp_path / "x.pdf"))


def test_misura_del_bench_tempi_pagine_e_memoria(tmp_path):
    from bench.report import misura

    dati_piccoli()
    cifre = misura("metropolitano", ANNO, tmp_path / "m.pdf", ripetizioni=2)
    json.dumps(cifre)  # one JSON line for bench/lavori.py
    assert cifre["ripetizioni"] == 2
    assert len(cifre["secondi_totale_per_giro"]) == len(cifre["secondi_weasyprint_solo_per_giro"]) == 2
    assert cifre["pagine"] >= 8
    assert cifre["secondi_totale"] >= cifre["secondi_pdf"] > 0
    assert cifre["secondi_weasyprint_solo"] > 0 and cifre["picco_rss_mb"] > 0
    assert cifre["secondi_import_weasyprint"] >= 0  # timed apart, outside the total
    assert (tmp_path / "m.pdf").read_bytes()[:5] == b"%PDF-"


def test_misura_del_bench_rifiuta_zero_ripetizioni(tmp_path):
    from bench.report import misura

    with pytest.raises(ValueError, match="almeno 1"):
        misura("metropolitano", ANNO, tmp_path / "m.pdf", ripetizioni=0)


def test_demo_crea_gli_organi_di_governance_una_volta_sola():
    import random

    from alternanza.report import demo
    from alternanza.report.models import OrganoGovernance

    demo.carica("base", random.Random(1))
    demo.carica("base", random.Random(1))
    assert OrganoGovernance.objects.count() == 1 + 2 * 7
    assert OrganoGovernance.objects.filter(distretto__isnull=True).count() == 1
