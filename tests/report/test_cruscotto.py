"""The staff dashboard: same indicators as the reports, charts with tooltips and no script/style."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alternanza.report import grafici, indicatori
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
    assert f'fill="{grafici.COLORI[0]}"' in svg
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
    contesto = rendering.dati(tipo, ANNO, distretto)
    pdf, rete = contesto["ind"], contesto.get("rete")
    cruscotto = risposta.context["ind"]
    assert cruscotto.totale.att == pdf.totale.att
    assert [(r.nome, r.att) for r in cruscotto.righe] == [(r.nome, r.att) for r in pdf.righe]
    specifiche_pdf = grafici.specifiche(pdf, rete)
    assert [g["serie"] for g in risposta.context["grafici"]] == [g["serie"] for g in specifiche_pdf]
    # The trend: the same tables (district rows and the metropolitan row) on both.
    assert risposta.context["tendenza"] == indicatori.tabelle_tendenza(pdf, rete)
    assert "tendenza_progetti" in [g["nome"] for g in specifiche_pdf]
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


def test_cruscotto_filtra_per_ambito_e_livello_scolastico(client, staff):
    from distretti.models import Livello
    from tests.report.factories import ScuolaFactory, comune, progetto

    dati_piccoli()
    primaria = ScuolaFactory(comune=comune("Imola"), livello=Livello.PRIMARIA, studenti=200)
    progetto(primaria, studenti_totale=12, studenti_ragazze=6, ambiti=["orientamento"], titolo="Primaria")
    client.force_login(staff)
    url = reverse("report:cruscotto")
    ind = client.get(url, {"anno": ANNO, "livello": Livello.PRIMARIA}).context["ind"]
    assert (ind.totale.att["progetti"], ind.totale.att["studenti"]) == (1, 12)
    # Actions, assistance and agreements have no school level: "not available", not a wrong number.
    assert ind.totale.att["azioni_interdistrettuali"] is None and ind.totale.att["accordi_attivi"] is None
    orientamento = client.get(url, {"anno": ANNO, "ambito": _ambito("orientamento").pk}).context["ind"]
    assert orientamento.totale.att["progetti"] == 2  # P2 and the primary school's project
    entrambi = client.get(
        url, {"anno": ANNO, "ambito": _ambito("orientamento").pk, "livello": Livello.SECONDO_GRADO}
    )
    assert entrambi.context["ind"].totale.att["progetti"] == 1
    html = entrambi.content.decode()
    assert 'name="livello"' in html and 'name="ambito"' in html
    # The CSV of a chart follows the same selection.
    testo = client.get(
        reverse("report:cruscotto_grafico", args=["progetti", "csv"]), {"anno": ANNO, "livello": "primaria"}
    ).content.decode("utf-8-sig")
    assert "Imola;1;0" in testo


def _ambito(slug):
    from distretti.models import AmbitoTematico

    return AmbitoTematico.objects.get(slug=slug)


def test_ogni_cifra_porta_ai_progetti_che_la_compongono(client, staff):
    dati_piccoli()
    client.force_login(staff)
    html = client.get(reverse("report:cruscotto"), {"anno": ANNO}).content.decode()
    elenco = reverse("report:cruscotto_progetti")
    assert f'href="{elenco}?anno=2025%2F26"' in html  # the KPIs
    risposta = client.get(elenco, {"anno": ANNO})
    righe = risposta.context["pagina"].object_list
    assert sorted(p.titolo for p in righe) == ["P1", "P2", "P3"]  # the draft P4 is not counted
    imola = client.get(elenco, {"anno": ANNO, "distretto": _riga_distretto("imola")}).context["pagina"]
    assert [p.titolo for p in imola.object_list] == ["P3"]
    testo = client.get(elenco, {"anno": ANNO}).content.decode()
    assert reverse("progetti:progetto", args=[righe[0].pk]) in testo


def _riga_distretto(slug):
    from distretti.models import Distretto

    return Distretto.objects.get(slug=slug).pk


def test_elenco_dei_progetti_di_un_ufficio_resta_nel_suo_distretto(client, ufficio_a, distretto_b):
    dati_piccoli()
    client.force_login(ufficio_a)
    pagina = client.get(
        reverse("report:cruscotto_progetti"), {"anno": ANNO, "distretto": distretto_b.pk}
    ).context["pagina"]
    assert sorted(p.titolo for p in pagina.object_list) == ["P1", "P2"]  # Bologna's, not Imola's P3


def test_elenco_dei_progetti_con_query_costanti(client, staff, django_assert_num_queries):
    from tests.report.factories import ScuolaFactory, comune, progetto

    dati_piccoli()
    client.force_login(staff)
    url = reverse("report:cruscotto_progetti")
    client.get(url, {"anno": ANNO})  # warm the session and the per-request caches
    with CaptureQueriesContext(connection) as prima:
        client.get(url, {"anno": ANNO})
    assert len(prima.captured_queries) <= 8
    for i in range(6):
        progetto(ScuolaFactory(comune=comune("Imola" if i % 2 else "Budrio")), titolo=f"Altro {i}")
    with django_assert_num_queries(len(prima.captured_queries)):
        assert len(client.get(url, {"anno": ANNO}).context["pagina"].object_list) == 9


def test_ogni_grafico_si_scarica_in_png(client, staff):
    dati_piccoli()
    client.force_login(staff)
    for nome in ("progetti", "tendenza_progetti"):
        risposta = client.get(reverse("report:cruscotto_grafico", args=[nome, "png"]), {"anno": ANNO})
        assert risposta.status_code == 200 and risposta["Content-Type"] == "image/png"
        assert risposta.content.startswith(b"\x89PNG\r\n\x1a\n")
        assert f'filename="cruscotto-{nome}-2025-26.png"' in risposta["Content-Disposition"]
    assert client.get(reverse("report:cruscotto_grafico", args=["progetti", "gif"])).status_code == 404
    html = client.get(reverse("report:cruscotto"), {"anno": ANNO}).content.decode()
    assert html.count(".png?") == html.count(".csv?") >= 6
