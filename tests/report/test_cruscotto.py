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
