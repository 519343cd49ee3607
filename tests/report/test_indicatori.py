"""Indicators on the small hand-built data set of tests/report/factories.py (numbers checked by hand)."""

import pytest
from django.db.models import Count

from alternanza.report import indicatori
from distretti.models import Distretto
from partnership.models import AreaS3
from tests.factories import distretto
from tests.report.factories import ANNO, dati_piccoli, progetto

pytestmark = pytest.mark.django_db


def _riga(ind, slug):
    return next(r for r in ind.righe if r.distretto.slug == slug)


def test_indicatori_per_distretto_bologna_calcolati_a_mano():
    dati_piccoli()
    ind = indicatori.calcola(ANNO)
    bo = _riga(ind, "bologna").att
    # P1 (20 students, 8 girls, 4 foreign, 100 h, safety) + P2 (10, 6, 0, 50 h); P4 is a draft.
    assert bo["progetti"] == 2
    assert bo["studenti"] == 30
    assert bo["quota_ragazze"] == 46.7  # 14 / 30
    assert bo["quota_straniera"] == 13.3  # 4 / 30
    assert bo["ore"] == 150
    assert bo["quota_sicurezza"] == 50.0  # 1 of 2 projects
    assert bo["organizzazioni_ospitanti"] == 2  # O1, O2
    assert bo["allineamento_s3"] == 66.7  # P1-O1, P2-O1 of 3 placements
    assert bo["partecipazione_1000"] == 30.0  # 30 participations / 1000 enrolled (S3 unknown)
    assert bo["quota_ragazze_tecnici"] == 40.0  # P1 (gap-di-genere): 8 / 20
    assert bo["divario_genere_tecnici"] == 20.0  # (12 - 8) / 20
    assert bo["azioni_interdistrettuali"] == 1  # A1 (A2 is of one district)
    assert bo["ore_assistenza"] == 5.5
    assert bo["accordi_attivi"] == 1
    assert bo["comuni_senza_progetti"] == 0
    assert bo["scuole_senza_progetti"] == 1  # S3


def test_indicatori_per_distretto_imola_e_totale_della_rete():
    dati_piccoli()
    ind = indicatori.calcola(ANNO)
    im = _riga(ind, "imola").att
    assert (im["progetti"], im["studenti"], im["quota_ragazze"], im["quota_straniera"]) == (1, 30, 30.0, 20.0)
    assert im["partecipazione_1000"] == 60.0  # 30 / 500
    assert im["allineamento_s3"] == 100.0  # P3 itself is in a priority S3 area
    assert im["divario_genere_tecnici"] == 40.0  # (21 - 9) / 30
    assert im["ore_assistenza"] == 0.0  # its 4 hours are of the previous year
    assert im["comuni_senza_progetti"] == 9  # 10 comuni, only Imola has a project
    tot = ind.totale.att
    assert tot["progetti"] == 3
    assert tot["studenti"] == 60
    assert tot["quota_ragazze"] == 38.3  # 23 / 60
    assert tot["quota_sicurezza"] == 66.7
    assert tot["organizzazioni_ospitanti"] == 3
    assert tot["allineamento_s3"] == 75.0  # 3 of 4 placements
    assert tot["partecipazione_1000"] == 40.0  # 60 / 1500
    assert tot["divario_genere_tecnici"] == 32.0  # (33 - 17) / 50
    assert tot["azioni_interdistrettuali"] == 1  # A1 counted once although it involves two districts
    # Ours (Bologna) and the seeded CM–Regione agreement (signed in 2017, no district).
    assert tot["accordi_attivi"] == 2
    assert tot["comuni_senza_progetti"] == 53  # 55 comuni, 2 with projects


def test_progetto_tecnico_per_area_s3_e_per_ambito_conta_una_volta():
    d = dati_piccoli()
    altra_area = AreaS3.objects.exclude(pk=d.area.pk).order_by("ordine").first()
    # P5 is technical four times over (two S3 areas, two technical thematic areas): its students count once.
    progetto(
        d.s2,
        studenti_totale=10,
        studenti_ragazze=5,
        ambiti=["gap-di-genere", "allineamento-s3", "orientamento"],
        aree_s3=[d.area, altra_area],
        titolo="P5",
    )
    ind = indicatori.calcola(ANNO)
    im = _riga(ind, "imola").att
    assert (im["progetti"], im["studenti"]) == (2, 40)  # P3 and P5, technical both
    assert im["quota_ragazze_tecnici"] == 35.0  # (9 + 5) / (30 + 10)
    assert im["divario_genere_tecnici"] == 30.0  # (26 - 14) / 40
    tot = ind.totale.att
    # P1, P3 and P5 are technical, P2 is not (its students count among all, not among the technical).
    assert (tot["progetti"], tot["studenti"]) == (4, 70)
    assert tot["quota_ragazze_tecnici"] == 36.7  # (8 + 9 + 5) / (20 + 30 + 10)
    assert tot["divario_genere_tecnici"] == 26.7  # (38 - 22) / 60


def test_confronto_con_anno_precedente():
    dati_piccoli()
    riga = _riga(indicatori.calcola(ANNO), "bologna")
    assert riga.prec["progetti"] == 1
    assert riga.prec["quota_ragazze"] == 20.0  # Q1: 2 / 10
    assert riga.delta["progetti"] == 1
    assert riga.delta["quota_ragazze"] == 26.7
    im = _riga(indicatori.calcola(ANNO), "imola")
    assert im.prec["azioni_interdistrettuali"] == 1  # A3
    assert im.prec["ore_assistenza"] == 4.0
    assert im.delta["ore_assistenza"] == -4.0


def test_flussi_tra_distretti_e_fuori_area():
    dati_piccoli()
    ind = indicatori.calcola(ANNO)
    colonne = [d.slug for d in ind.flussi["colonne"]]
    bo = next(r for r in ind.flussi["righe"] if r["distretto"].slug == "bologna")
    assert bo["valori"][colonne.index("bologna")] == 2
    assert bo["valori"][colonne.index("imola")] == 1
    assert bo["quota_fuori_distretto"] == 33.3
    im = next(r for r in ind.flussi["righe"] if r["distretto"].slug == "imola")
    assert im["valori"][-1] == 1  # hosted outside the metropolitan city


def test_aree_s3_ambiti_lacune_e_liste():
    d = dati_piccoli()
    ind = indicatori.calcola(ANNO)
    area = next(a for a in ind.aree_s3 if a["area"] == d.area.nome)
    assert area["totale"] == 1  # O1
    nessuna = ind.aree_s3[-1]
    assert nessuna["totale"] == 2  # O2, O3
    alternanza = next(a for a in ind.ambiti if a["slug"] == "alternanza-scuola-lavoro")
    assert alternanza["totale"] == 2
    assert alternanza["quota"] == 66.7
    assert alternanza["distretti_coperti"] == 2
    assert [s["denominazione"] for s in ind.scuole_senza_progetti] == ["S3"]
    assert ind.top_scuole[0]["studenti"] == 30
    assert [p["titolo"] for p in ind.elenco_progetti] == ["P3", "P1", "P2"]


def test_un_ospitante_di_due_distretti_conta_una_volta_nel_totale():
    # The distinct hosts of the network (and of an S3 area) are not the sum of the districts': O1 hosts
    # in Bologna (P1, P2) and now in Imola too. Per district and in total from one query (_con_totale).
    d = dati_piccoli()
    progetto(d.s2, studenti_totale=5, studenti_ragazze=2, ospiti=[d.o1], titolo="P5")
    ind = indicatori.calcola(ANNO)
    assert _riga(ind, "bologna").att["organizzazioni_ospitanti"] == 2  # O1, O2
    assert _riga(ind, "imola").att["organizzazioni_ospitanti"] == 2  # O3, O1
    assert ind.totale.att["organizzazioni_ospitanti"] == 3  # O1, O2, O3
    assert ind.tendenza.totale[-1]["organizzazioni_ospitanti"] == 3
    area = next(a for a in ind.aree_s3 if a["area"] == d.area.nome)
    per_distretto = dict(zip([x.slug for x in ind.distretti], area["per_distretto"], strict=True))
    assert (per_distretto["bologna"], per_distretto["imola"], area["totale"]) == (1, 1, 1)


def test_totale_per_insiemi_di_raggruppamento_rifiuta_altre_forme():
    from alternanza.progetti.models import Progetto

    with pytest.raises(ValueError, match="due chiavi"):
        indicatori._con_totale(Progetto.objects.values("anno_scolastico").annotate(n=Count("id")))


def test_elenco_dei_progetti_piu_grandi_tra_quelli_contati(monkeypatch):
    d = dati_piccoli()
    progetto(d.s1, studenti_totale=30, studenti_ragazze=1, ore_svolte=250, titolo="P6")
    progetto(d.s1, studenti_totale=30, studenti_ragazze=1, ore_svolte=200, titolo="P7")  # ties with P3
    monkeypatch.setattr(indicatori, "MAX_RIGHE_ELENCO", 3)
    # Most students first, then most hours, then the older project; the draft P4 (99 students) is not
    # counted, P1 and P2 fall beyond the limit.
    assert [p["titolo"] for p in indicatori.calcola(ANNO).elenco_progetti] == ["P6", "P3", "P7"]
    imola = indicatori.calcola(ANNO, distretto=distretto("imola"))
    assert [p["titolo"] for p in imola.elenco_progetti] == ["P3"]


def test_report_di_distretto_e_tematico_filtrano_i_dati():
    dati_piccoli()
    ind = indicatori.calcola(ANNO, distretto=distretto("imola"))
    assert [r.distretto.slug for r in ind.righe] == ["imola"]
    assert ind.totale.att["progetti"] == 1
    assert ind.totale.att["comuni_senza_progetti"] == 9
    from distretti.models import AmbitoTematico

    tema = indicatori.calcola(ANNO, ambito=AmbitoTematico.objects.get(slug="gap-di-genere"))
    assert tema.totale.att["progetti"] == 1
    assert tema.totale.att["studenti"] == 20


def test_indicatori_con_numero_di_query_costante():
    # Aggregates only: the same queries whatever the selection and however many projects there are.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from distretti.models import AmbitoTematico

    def query(**selezione) -> int:
        with CaptureQueriesContext(connection) as catturate:
            indicatori.calcola(ANNO, **selezione)
        return len(catturate)

    dati_piccoli()
    tema = AmbitoTematico.objects.get(slug="gap-di-genere")
    selezioni = ({}, {"distretto": distretto("imola")}, {"ambito": tema})
    prima = [query(**selezione) for selezione in selezioni]
    dati_piccoli()  # as many projects, placements and actions again
    assert [query(**selezione) for selezione in selezioni] == prima
    assert len(set(prima)) == 1


def test_ufficio_dati_aperti_e_report_contano_gli_stessi_progetti():
    """The three users of the per-district statistics agree (one rule, one computation)."""
    from alternanza.progetti.opendata import righe_indicatori
    from alternanza.progetti.views.ufficio import statistiche_distretti

    dati_piccoli()
    report = {r.distretto.nome: r.att for r in indicatori.calcola(ANNO).righe}
    ufficio = {
        r["distretto"].nome: r
        for r in statistiche_distretti(list(Distretto.objects.values_list("pk", flat=True)), ANNO)
    }
    aperti = {r["distretto"]: r for r in righe_indicatori() if r["anno_scolastico"] == ANNO}
    assert set(aperti) == {"Bologna", "Imola"}
    for nome, att in report.items():
        uff, od = ufficio[nome], aperti.get(nome)
        assert (uff["studenti"], uff["ragazze"], uff["ore_svolte"]) == (
            att["studenti"],
            att["ragazze"],
            att["ore"],
        )
        if od is None:
            assert att["progetti"] == 0
            continue
        assert od["progetti_validati"] == att["progetti"]
        assert (od["studenti_totale"], od["studenti_ragazze"], od["ore_svolte"]) == (
            att["studenti"],
            att["ragazze"],
            att["ore"],
        )
        assert od["organizzazioni_ospitanti"] == att["organizzazioni_ospitanti"]
    convalidati = sum(
        n for r in ufficio.values() for s, n in r["stati"] if s in ("validato", "pubblicato", "archiviato")
    )
    assert convalidati == indicatori.calcola(ANNO).totale.att["progetti"] == 3
