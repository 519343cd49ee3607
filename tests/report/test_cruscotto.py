"""The staff dashboard: same indicators as the reports, charts with tooltips and no script/style."""

import re

import pytest
from django.urls import reverse

from alternanza.report import grafici
from tests.report.factories import ANNO, dati_piccoli

pytestmark = pytest.mark.django_db


def test_cruscotto_dello_staff_mostra_gli_indicatori_della_rete(client, staff):
    dati_piccoli()
    client.force_login(staff)
    html = client.get(reverse("report:cruscotto"), {"anno": ANNO}).content.decode()
    assert "Cruscotto degli indicatori" in html
    assert "38,3%" in html  # girls' share of the network (same figure as the PDF)
    for nome in ("Bologna", "Imola", "Pianura Est"):
        assert nome in html
    svg = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svg) >= 4
    assert all("<script" not in s and "<style" not in s for s in svg)  # strict CSP: none inline
    assert "<title>2025/26 – Bologna: 2</title>" in html  # tooltip without JavaScript


def test_ufficio_vede_solo_il_suo_distretto_nel_cruscotto(client, ufficio_a, distretto_b):
    dati_piccoli()
    client.force_login(ufficio_a)
    html = client.get(
        reverse("report:cruscotto"), {"anno": ANNO, "distretto": distretto_b.pk}
    ).content.decode()
    assert "Cruscotto degli indicatori – Bologna" in html
    tabella = html.split("Indicatori per distretto", 1)[1].split("Flussi tra distretti", 1)[0]
    assert "Bologna" in tabella and "Imola" not in tabella


def test_cruscotto_con_numero_di_query_limitato(client, staff, django_assert_max_num_queries):
    dati_piccoli()
    client.force_login(staff)
    with django_assert_max_num_queries(60):
        assert client.get(reverse("report:cruscotto"), {"anno": ANNO}).status_code == 200
    with django_assert_max_num_queries(8):  # cached for ten minutes
        assert client.get(reverse("report:cruscotto"), {"anno": ANNO}).status_code == 200


def test_grafico_colori_come_attributi_e_titoli_per_ogni_barra():
    svg = grafici.barre("Prova", ["A", "B"], {"Serie": [1, 2.5]}, conteggi=False)
    assert 'role="img"' in svg and 'aria-label="Prova"' in svg
    assert "<title>Serie – A: 1</title>" in svg and "<title>Serie – B: 2,5</title>" in svg
    assert 'fill="#0066CC"' in svg
    assert "<script" not in svg and "<style" not in svg and " id=" not in svg


@pytest.mark.parametrize("selezione", ["rete", "bologna", "imola"])
def test_cruscotto_e_pdf_mostrano_le_stesse_cifre(client, staff, selezione):
    """One function computes both: dashboard, CSV and PDF agree for three selections."""
    import csv
    import io

    from alternanza.report import rendering
    from alternanza.report.models import TipoReport
    from distretti.models import Distretto

    dati_piccoli()
    distretto = None if selezione == "rete" else Distretto.objects.get(slug=selezione)
    parametri = {"anno": ANNO, **({"distretto": distretto.pk} if distretto else {})}
    client.force_login(staff)
    risposta = client.get(reverse("report:cruscotto"), parametri)
    tipo = TipoReport.DISTRETTO if distretto else TipoReport.METROPOLITANO
    pdf = rendering.dati(tipo, ANNO, distretto)["ind"]
    cruscotto = risposta.context["ind"]
    assert cruscotto.totale.att == pdf.totale.att
    assert [(r.nome, r.att) for r in cruscotto.righe] == [(r.nome, r.att) for r in pdf.righe]
    assert [g["serie"] for g in risposta.context["grafici"]] == [g["serie"] for g in grafici.specifiche(pdf)]
    testo = client.get(reverse("report:cruscotto_grafico", args=["progetti", "csv"]), parametri)
    righe = list(csv.reader(io.StringIO(testo.content.decode("utf-8-sig")), delimiter=";"))
    attesi = {r.nome: str(r.att["progetti"]) for r in pdf.righe}
    assert {r[0]: r[1] for r in righe[1:]} == attesi
    html = risposta.content.decode()
    assert "Valori del grafico" in html and "style=" not in "".join(re.findall(r"<svg.*?</svg>", html, re.S))


def test_cruscotto_senza_dati_dice_nessun_dato(client, staff):
    client.force_login(staff)
    html = client.get(reverse("report:cruscotto"), {"anno": ANNO}).content.decode()
    assert "Nessun dato per questa selezione." in html
    assert client.get(reverse("report:cruscotto_grafico", args=["nessuno", "csv"])).status_code == 404
