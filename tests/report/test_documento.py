"""The document: charts that read on paper, the executive summary by rules, the XLSX annex."""

import io
import re

import pytest
from django.utils import translation

from alternanza.core.esportazioni import neutralizza_formula
from alternanza.report import grafici, indicatori, rendering, sintesi
from alternanza.report.models import TipoReport
from tests.factories import OrganizzazioneFactory
from tests.report.factories import ANNO, ScuolaFactory, comune, dati_piccoli, progetto

pytestmark = pytest.mark.django_db


def test_tacche_intere_per_i_conteggi():
    assert grafici.tacche_intere(1) == [0, 1]
    assert grafici.tacche_intere(3) == [0, 1, 2, 3]
    assert grafici.tacche_intere(37) == [0, 10, 20, 30, 40]
    assert grafici.tacche_intere(1234) == [0, 500, 1000, 1500]


def test_grafico_a_barre_orizzontali_ordinate_con_i_valori_e_nomi_interi():
    nomi = ["Imola", "Reno, Lavino e Samoggia", "San Lazzaro di Savena"]
    etichette, serie = grafici.ordina(nomi, {"Progetti": [2, 7, 3]})
    assert etichette == ["Reno, Lavino e Samoggia", "San Lazzaro di Savena", "Imola"]
    svg = grafici.barre("Progetti per distretto", etichette, serie, orizzontale=True)
    testi = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "Reno, Lavino e Samoggia" in testi  # whole, not truncated
    assert {"7", "3", "2"} <= set(testi)  # values printed on the bars
    tacche = [t for t in testi if re.fullmatch(r"[\d.,]+", t)]
    assert not [t for t in tacche if "," in t]  # no 0,2 steps on a count axis
    assert "style=" not in svg and "<script" not in svg and "<style" not in svg  # strict CSP


def test_sintesi_dice_cosa_cresce_cosa_cala_e_quali_distretti_seguire():
    dati_piccoli()
    # A third district with a single project: less than half the average.
    progetto(ScuolaFactory(comune=comune("Budrio")), studenti_totale=3, titolo="Solo")
    with translation.override("it"):
        ind = indicatori.calcola(ANNO)
        testo = sintesi.sintesi(ind)
    assert any(f.startswith("Progetti: crescono da") for f in testo["andamento"]), testo
    seguire = " ".join(testo["attenzione"])
    assert "meno della metà della media" in seguire or "nessun progetto" in seguire
    with translation.override("en"):
        inglese = sintesi.sintesi(indicatori.calcola(ANNO))
    assert inglese["andamento"] and inglese["andamento"] != testo["andamento"]


def test_allegato_senza_formule_con_intestazioni_umane_filtro_e_riga_bloccata():
    from openpyxl import load_workbook

    dati_piccoli()
    progetto(ScuolaFactory(comune=comune("Bologna")), titolo='=HYPERLINK("http://x.example","clic")')
    progetto(ScuolaFactory(comune=comune("Imola")), titolo="@SUM(A1:A9)")
    progetto(ScuolaFactory(comune=comune("Imola")), titolo="+1+1")
    ostile = OrganizzazioneFactory(nome="-2+3+cmd|' /C calc'!A0", comune=comune("Imola"))
    progetto(
        ScuolaFactory(comune=comune("Bologna"), denominazione="=1+2"), titolo="Ospitato", ospiti=[ostile]
    )
    risultato = rendering.genera_documento(TipoReport.METROPOLITANO, ANNO)
    wb = load_workbook(io.BytesIO(risultato.allegato))
    for ws in wb.worksheets:
        intestazione = [c.value for c in ws[1]]
        assert not [v for v in intestazione if v and "_" in str(v)], (ws.title, intestazione)
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
        assert ws[1][0].font.bold
        formule = [c.coordinate for riga in ws.iter_rows() for c in riga if c.data_type == "f"]
        assert formule == [], ws.title
    indicatori_ws = [c.value for c in wb["Indicatori"][1]]
    assert "Quota di ragazze" in indicatori_ws and "Partecipazioni per 1.000 studenti" in indicatori_ws
    titoli = {r[1] for r in wb["Progetti"].iter_rows(min_row=2, values_only=True)}
    assert neutralizza_formula('=HYPERLINK("http://x.example","clic")') in titoli
    assert {"'+1+1", "'@SUM(A1:A9)"} <= titoli
    assert "'=1+2" in {r[2] for r in wb["Progetti"].iter_rows(min_row=2, values_only=True)}
    assert "'-2+3+cmd|' /C calc'!A0" in {
        r[1] for r in wb["Inserimenti"].iter_rows(min_row=2, values_only=True)
    }
    assert wb["Progetti"].column_dimensions["B"].width >= 40
    # The trend: a row per district and year, and the metropolitan row; "n.d." for a year without data.
    andamento = list(wb["Andamento"].iter_rows(values_only=True))
    assert andamento[0][:3] == ("Distretto", "Anno scolastico", "Progetti")
    righe = {(r[0], r[1]): r[2:] for r in andamento[1:]}
    assert righe[("Bologna", ANNO)][0] == 4 and righe[("Città metropolitana", ANNO)][0] == 7
    assert righe[("Imola", "2021/22")] == ("n.d.",) * len(indicatori.TENDENZA)


def test_copertina_con_versione_e_destinatari_e_sintesi_nel_pdf():
    dati_piccoli()
    contesto = rendering.dati(TipoReport.METROPOLITANO, ANNO)
    html = rendering.html_report(contesto, versione=3, destinatari="Conferenza metropolitana")
    assert "<dt>Versione</dt><dd>3</dd>" in html
    assert "Conferenza metropolitana" in html and "In breve" in html
    assert "la rete ha registrato" in html


def test_report_di_distretto_confrontato_con_la_media_della_rete():
    from distretti.models import Distretto

    dati_piccoli()
    imola = Distretto.objects.get(slug="imola")
    contesto = rendering.dati(TipoReport.DISTRETTO, ANNO, imola)
    progetti = next(r for r in contesto["confronto_rete"] if r["chiave"] == "progetti")
    rete = indicatori.calcola(ANNO)
    distretti = len([r for r in rete.righe if r.distretto is not None])
    assert progetti["distretto"] == contesto["ind"].totale.att["progetti"]
    assert progetti["rete"] == round(rete.totale.att["progetti"] / distretti, 1)
    html = rendering.html_report(contesto)
    assert "Imola e la media dei distretti della rete" in html
    assert "il distretto ha registrato" in html and "la rete ha registrato" not in html


def test_un_valore_che_si_arrotonda_a_zero_non_ha_segno():
    # A gender gap of -0.04 points is "0" in the report, its charts and the dashboard, never "-0".
    from alternanza.report.templatetags.report_tags import numero, percento

    with translation.override("it"):
        assert grafici.numero(-0.04) == "0"
        assert grafici.numero(-0.04, 1) == "0,0"
        assert numero(-0.0) == "0"
        assert percento(-0.04) == "0,0%"
        assert grafici.numero(-0.6) == "-1"
        assert numero(-1234.5, 1) == "-1.234,5"
        assert numero(38.56, 1) == "38,6"
