"""The PDF of a report: content, structure (tagged, fonts embedded, valid) and the locked-down fetcher."""

import io
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from alternanza.report import rendering
from alternanza.report.models import TipoReport
from distretti.models import AmbitoTematico, Distretto
from tests.factories import distretto
from tests.report.factories import ANNO, dati_piccoli


@pytest.fixture
def pdf_metropolitano(db):
    dati_piccoli()
    return rendering.genera_documento(TipoReport.METROPOLITANO, ANNO)


def _testo(pdf: bytes) -> str:
    testo = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", testo)


def test_pdf_metropolitano_contiene_ogni_distretto_e_i_totali(pdf_metropolitano):
    testo = _testo(pdf_metropolitano.pdf)
    for nome in Distretto.objects.values_list("nome", flat=True):
        assert nome in testo
    assert "3 progetti validati con 60 partecipazioni di studenti e 350 ore" in testo
    assert "38,3%" in testo  # girls' share of the network
    assert "pagina 2 di" in testo
    assert f"Anno scolastico {ANNO}" in testo
    assert "Note di metodo" in testo
    assert pdf_metropolitano.pagine >= 8
    assert pdf_metropolitano.pagine == len(PdfReader(io.BytesIO(pdf_metropolitano.pdf)).pages)


def test_indice_riporta_i_numeri_di_pagina(pdf_metropolitano):
    testo = _testo(pdf_metropolitano.pdf)
    # "Note di metodo ....... 12": the table of contents resolves target-counter().
    assert re.search(r"Note di metodo[ .]*\d+", testo)


def test_pdf_valido_per_qpdf(pdf_metropolitano, tmp_path):
    file = tmp_path / "report.pdf"
    file.write_bytes(pdf_metropolitano.pdf)
    esito = subprocess.run(["qpdf", "--check", str(file)], capture_output=True, text=True, check=False)
    assert esito.returncode == 0, esito.stdout + esito.stderr


def test_pdf_taggato_con_lingua_italiana(pdf_metropolitano):
    lettore = PdfReader(io.BytesIO(pdf_metropolitano.pdf))
    catalogo = lettore.trailer["/Root"]
    assert "/StructTreeRoot" in catalogo
    assert bool(catalogo["/MarkInfo"]["/Marked"])
    assert str(catalogo["/Lang"]).startswith("it")
    assert lettore.metadata.title.startswith("Report metropolitano annuale 2025/26")


def test_font_titillium_incorporato(pdf_metropolitano, tmp_path):
    file = tmp_path / "report.pdf"
    file.write_bytes(pdf_metropolitano.pdf)
    righe = subprocess.run(["pdffonts", str(file)], capture_output=True, text=True, check=True).stdout
    titillium = [r for r in righe.splitlines() if "Titillium" in r]
    assert titillium
    assert all(" yes " in r for r in titillium)  # the "emb" column


def test_allegato_xlsx_con_tutti_i_progetti(pdf_metropolitano):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(pdf_metropolitano.allegato), read_only=True)
    assert wb.sheetnames[:4] == ["Indicatori", "Andamento", "Progetti", "Inserimenti"]
    righe = list(wb["Progetti"].iter_rows(values_only=True))
    assert len(righe) == 1 + 3  # header + the three counted projects
    assert {r[1] for r in righe[1:]} == {"P1", "P2", "P3"}


def test_report_di_distretto_e_tematico(db):
    dati_piccoli()
    documento = rendering.genera_documento(
        TipoReport.DISTRETTO, ANNO, distretto=distretto("imola"), con_allegato=False
    )
    testo = _testo(documento.pdf)
    assert "Report di distretto 2025/26 – Imola" in testo
    assert "1 progetti validati con 30 partecipazioni" in testo
    tema = rendering.genera_documento(
        TipoReport.TEMATICO, ANNO, ambito=AmbitoTematico.objects.get(slug="gap-di-genere"), con_allegato=False
    )
    assert "1 progetti validati con 20 partecipazioni" in _testo(tema.pdf)


def test_report_partnership_e_accordi(db):
    dati_piccoli()
    documento = rendering.genera_documento(TipoReport.PARTNERSHIP, ANNO)
    testo = _testo(documento.pdf)
    assert "Accordo di prova" in testo
    assert "Accordo attuativo Città metropolitana – Regione" in testo  # the seeded agreement
    assert "Rete metropolitana per l'alternanza – Stato di partnership e accordi 2025/26" in testo


# --- The locked-down URL fetcher --------------------------------------------------------------------


def test_fetcher_serve_i_file_statici_del_portale():
    url = rendering.url_statico("report/css/report-stampa.css")
    risorsa = rendering.url_fetcher(url)
    assert risorsa.content_type == "text/css"
    risorsa.close()
    font = rendering.url_fetcher(rendering.font_face()[0]["url"])
    assert font.read(4) in (b"\x00\x01\x00\x00", b"true", b"OTTO")
    font.close()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/style.css",
        "http://127.0.0.1:8000/static/css/portale.css",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "file://altrohost/etc/passwd",
    ],
)
def test_fetcher_rifiuta_url_esterni_e_file_fuori_da_static_e_media(url):
    with pytest.raises(rendering.RisorsaNonConsentita):
        rendering.url_fetcher(url)


def test_fetcher_rifiuta_la_risalita_di_cartella_fuori_da_static(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    rendering.radici_consentite.cache_clear()
    try:
        (tmp_path / "media").mkdir()
        (tmp_path / "segreto.txt").write_text("riservato")
        with pytest.raises(rendering.RisorsaNonConsentita):
            rendering.url_fetcher((tmp_path / "media").as_uri() + "/../segreto.txt")
        (tmp_path / "media" / "ok.txt").write_text("ok")
        assert rendering.url_fetcher((tmp_path / "media" / "ok.txt").as_uri()).read() == b"ok"
    finally:
        rendering.radici_consentite.cache_clear()


def test_weasyprint_non_incorpora_risorse_esterne():
    html = (
        '<!doctype html><html lang="it"><head><title>t</title></head><body>'
        '<img src="https://example.org/x.png" alt="x"><img src="file:///etc/hostname" alt="y">'
        "<p>testo</p></body></html>"
    )
    pdf, pagine = rendering.html_a_pdf(html)
    assert pagine == 1
    assert b"/Subtype /Image" not in pdf and b"/Subtype/Image" not in pdf


def test_radici_consentite_sono_static_e_media():
    radici = rendering.radici_consentite()
    assert Path(settings.MEDIA_ROOT).resolve() in radici
    assert any((r / "fonts" / "Titillium_Web").is_dir() for r in radici)
    assert Path("/etc") not in radici


# --- Layout on paper (issue 17: looked at page by page) ---------------------------------------------

SEZIONI_ORIZZONTALI = {
    "Indicatori per distretto",
    "Confronto con l’anno precedente",
    "Organizzazioni ospitanti per area S3",
    "Copertura degli ambiti tematici",
    "Flussi tra distretti",
}


def test_ogni_sezione_comincia_su_una_pagina_del_suo_orientamento(pdf_metropolitano):
    """A portrait section never starts (heading and lead text alone) at the foot of a landscape page."""
    lettore = PdfReader(io.BytesIO(pdf_metropolitano.pdf))
    sezioni = {}
    for voce in lettore.outline:
        if isinstance(voce, list):
            continue  # the h3 under the previous section
        pagina = lettore.pages[lettore.get_destination_page_number(voce)]
        sezioni[voce.title] = pagina.mediabox.width > pagina.mediabox.height
    assert "Andamento negli ultimi 5 anni scolastici" in sezioni and "Note di metodo" in sezioni
    assert {titolo for titolo, orizzontale in sezioni.items() if orizzontale} == SEZIONI_ORIZZONTALI


def test_codici_mai_spezzati_ed_etichette_delle_cifre_senza_sillabazione(db):
    from distretti.models import Livello
    from tests.report.factories import ScuolaFactory, comune

    dati_piccoli()
    ScuolaFactory(
        codice_meccanografico="BOPSHR500B",
        # A long name squeezes the code's column: without its rule the code was split "BOPSH‐R500B".
        denominazione="Istituto di istruzione superiore «Giordano Bruno» di Budrio e Molinella, "
        "sezioni associate di liceo scientifico, tecnico economico, tecnologico e professionale "
        "per i servizi commerciali, socio-sanitari e per l’enogastronomia e l’ospitalità alberghiera",
        comune=comune("Budrio"),
        livello=Livello.SECONDO_GRADO,
    )
    contesto = rendering.dati(TipoReport.METROPOLITANO, ANNO)
    html = rendering.html_report(contesto)
    assert '<td class="codice">BOPSHR500B</td>' in html
    testo = _testo(rendering.html_a_pdf(html)[0])
    assert "BOPSHR500B" in testo  # WeasyPrint hyphenates with U+2010: none inside the code
    # The labels of the headline figures wrap at spaces only ("priori‐tarie", "stu‐denti" were split).
    assert "S3 priori\u2010" not in testo and "Partecipazioni per 1.000 stu\u2010" not in testo


def test_ogni_grafico_ha_la_sua_alternativa_testuale_nel_pdf_taggato(pdf_metropolitano):
    """Each chart is a /Figure of the structure tree with an /Alt that names it (PDF/UA)."""
    from alternanza.report import grafici, indicatori

    lettore = PdfReader(io.BytesIO(pdf_metropolitano.pdf))
    alternative = []

    def visita(nodo, profondita=0):
        nodo = nodo.get_object()
        if isinstance(nodo, list):
            for figlio in nodo:
                visita(figlio, profondita)
        elif hasattr(nodo, "get") and profondita < 80:
            if nodo.get("/S") == "/Figure":
                alternative.append(str(nodo.get("/Alt", "")))
            if nodo.get("/K") is not None:
                visita(nodo["/K"], profondita + 1)

    visita(lettore.trailer["/Root"]["/StructTreeRoot"])
    titoli = [s["titolo"] for s in grafici.specifiche(indicatori.calcola(ANNO))]
    assert len(titoli) >= 6
    for titolo in titoli:
        assert f"Grafico: {titolo}." in [a.split(" I valori")[0] for a in alternative], titolo
