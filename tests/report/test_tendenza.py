"""The trend over five school years (report and dashboard) and each district's own colour and pattern."""

import re
from pathlib import Path

import pytest

from alternanza.report import grafici, indicatori, rendering
from alternanza.report.models import TipoReport
from distretti.models import COLORI_DISTRETTI, Distretto
from tests.factories import distretto
from tests.report.factories import ANNO, ANNO_PRIMA, dati_piccoli

pytestmark = pytest.mark.django_db

ANNI = ["2021/22", "2022/23", "2023/24", ANNO_PRIMA, ANNO]


def _tabella(tabelle, chiave):
    return next(t for t in tabelle if t["chiave"] == chiave)


def _riga(tabella, nome):
    return next(r["valori"] for r in tabella["righe"] if r["nome"] == nome)


def test_tendenza_copre_cinque_anni_e_gli_anni_senza_dati_non_sono_zero():
    dati_piccoli()
    ind = indicatori.calcola(ANNO)
    assert ind.tendenza.anni == ANNI
    # The portal has counted projects in the last two years only: the first three have no data.
    assert ind.tendenza.con_dati == [False, False, False, True, True]
    assert ind.tendenza.anni_senza_dati == ANNI[:3]
    progetti = _tabella(indicatori.tabelle_tendenza(ind), "progetti")
    assert _riga(progetti, "Bologna") == [None, None, None, 1, 2]
    assert _riga(progetti, "Imola") == [None, None, None, 0, 1]  # data exist, Imola had none: 0
    assert progetti["riferimento"]["valori"] == [None, None, None, 1, 3]
    ragazze = _tabella(indicatori.tabelle_tendenza(ind), "quota_ragazze")
    assert _riga(ragazze, "Bologna")[-2:] == [20.0, 46.7]
    assert ragazze["riferimento"]["valori"][-1] == 38.3
    # The last two years are the same figures as the comparison with the previous year.
    bologna = next(r for r in ind.righe if r.nome == "Bologna")
    assert _riga(progetti, "Bologna")[-2:] == [bologna.prec["progetti"], bologna.att["progetti"]]


def test_tendenza_di_una_selezione_senza_progetti_in_un_anno_con_dati_dice_zero():
    from distretti.models import AmbitoTematico

    dati_piccoli()
    orientamento = AmbitoTematico.objects.get(slug="orientamento")  # P2 only (Bologna, 2025/26)
    ind = indicatori.calcola(ANNO, ambito=orientamento)
    progetti = _tabella(indicatori.tabelle_tendenza(ind), "progetti")
    assert progetti["riferimento"]["valori"] == [None, None, None, 0, 1]


def test_tendenza_di_un_distretto_accanto_alla_media_dei_distretti_e_alla_quota_della_rete():
    dati_piccoli()
    contesto = rendering.dati(TipoReport.DISTRETTO, ANNO, distretto("bologna"))
    tabelle = indicatori.tabelle_tendenza(contesto["ind"], contesto["rete"])
    progetti = _tabella(tabelle, "progetti")
    assert [r["nome"] for r in progetti["righe"]] == ["Bologna"]
    assert str(progetti["riferimento"]["nome"]) == "Media dei distretti"
    n = Distretto.objects.count()
    assert progetti["riferimento"]["valori"][-1] == round(3 / n, 1)  # 3 projects in the network
    ragazze = _tabella(tabelle, "quota_ragazze")
    assert str(ragazze["riferimento"]["nome"]) == "Città metropolitana"
    assert ragazze["riferimento"]["valori"][-1] == 38.3  # the network's share, not an average


def test_report_stampa_la_tendenza_con_n_d_e_il_grafico_per_anno():
    dati_piccoli()
    html = rendering.html_report(rendering.dati(TipoReport.METROPOLITANO, ANNO))
    sezione = html.split('<section id="tendenza">', 1)[1].split("</section>", 1)[0]
    assert "Andamento negli ultimi 5 anni scolastici" in sezione
    for anno in ANNI:
        assert f">{anno}</th>" in sezione
    assert sezione.count(">n.d.</td>") == 3 * 8 * len(indicatori.TENDENZA)  # 3 years × (7 districts + CM)
    assert "Città metropolitana" in sezione
    assert 'href="#tendenza"' in html  # in the table of contents


def test_grafico_della_tendenza_interrompe_la_linea_negli_anni_senza_dati():
    dati_piccoli()
    spec = next(s for s in grafici.specifiche(indicatori.calcola(ANNO)) if s["nome"] == "tendenza_progetti")
    assert spec["etichette"][:3] == [f"{a} (n.d.)" for a in ANNI[:3]]
    assert spec["serie"]["Bologna"] == [None, None, None, 1, 2]
    svg = grafici.disegna(spec)
    titoli = re.findall(r"<title>([^<]*)</title>", svg)
    assert "Bologna – 2025/26: 2" in titoli
    assert not [t for t in titoli if "(n.d.)" in t]  # no point drawn (not even 0) for a year without data
    assert "style=" not in svg and "<script" not in svg


def test_ogni_distretto_ha_il_suo_colore_accessibile_e_il_suo_tratteggio():
    def luminanza(colore):
        canali = [int(colore[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in canali]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    colori = [c for c, _t in COLORI_DISTRETTI.values()]
    tratteggi = [t for _c, t in COLORI_DISTRETTI.values()]
    assert set(COLORI_DISTRETTI) == set(Distretto.objects.values_list("slug", flat=True))
    assert len(set(colori)) == len(colori) and len(set(tratteggi)) == len(tratteggi)
    for colore in colori:
        # White text on the colour (map), and the colour as a line or bar on white: 4.5:1 covers both.
        assert 1.05 / (luminanza(colore) + 0.05) >= 4.5, colore
    # The map and the dashboard's stylesheets repeat the same colours.
    radice = Path(__file__).resolve().parents[2]
    mappa = (radice / "frontend/scss/portale/_territorio.scss").read_text()
    cruscotto = (radice / "alternanza/report/static/report/css/report.css").read_text()
    from distretti.models import AREE_MAPPA

    for slug, (colore, _t) in COLORI_DISTRETTI.items():
        assert f".area-{AREE_MAPPA[slug]} a {{ background-color: {colore}; }}" in mappa
        assert f".segno-distretto.{slug} {{ background-color: {colore}; }}" in cruscotto


def test_le_linee_della_tendenza_hanno_colore_e_tratteggio_del_distretto_anche_in_legenda():
    dati_piccoli()
    spec = next(
        s for s in grafici.specifiche(indicatori.calcola(ANNO)) if s["nome"] == "tendenza_quota_ragazze"
    )
    svg = grafici.disegna(spec)
    imola, tratteggio = COLORI_DISTRETTI["imola"]
    indice = list(spec["serie"]).index("Imola")
    gruppo = re.search(rf'<g class="series serie-{indice} color-{indice}"[^>]*>(.*?)</g>', svg, re.S)
    assert gruppo and f'fill="{imola}"' in gruppo.group(0) and f'stroke="{imola}"' in gruppo.group(0)
    assert f'stroke-dasharray="{tratteggio}"' in svg
    # The legend shows a sample of each line (colour and pattern), not a colour square alone.
    campioni = re.findall(r'<path d="M[^"]*h[\d.]+"[^>]*>', svg)
    assert any(f'stroke="{imola}"' in c and f'stroke-dasharray="{tratteggio}"' in c for c in campioni)
    assert "Città metropolitana" in spec["serie"]  # the metropolitan share beside the districts


def test_un_colore_di_distretto_indica_solo_quel_distretto_in_ogni_grafico():
    """PDF and dashboard draw the same specifications (grafici.disegna): a district's colour appears only
    on the lines of that district, never on a year's, a gender's or a flow's bars."""
    from distretti.models import COLORE_ALTRO_DISTRETTO

    dati_piccoli()
    di_distretto = {c for c, _t in COLORI_DISTRETTI.values()} | {COLORE_ALTRO_DISTRETTO[0]}
    assert not di_distretto & set(grafici.COLORI)
    ind = indicatori.calcola(ANNO)
    for spec in grafici.specifiche(ind):
        svg = grafici.disegna(spec)
        usati = set(re.findall(r'(?:fill|stroke)="(#[0-9A-Fa-f]{6})"', svg))
        if spec.get("linee"):
            for indice, nome in enumerate(spec["serie"]):
                gruppo = re.search(rf'<g class="series serie-{indice} color-{indice}"[^>]*>', svg).group(0)
                distretto = Distretto.objects.filter(nome=nome).first()
                assert distretto is None or f'stroke="{distretto.colore}"' in gruppo, (spec["nome"], nome)
        else:
            assert not usati & di_distretto, (spec["nome"], usati & di_distretto)
