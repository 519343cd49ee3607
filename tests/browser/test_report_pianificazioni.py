"""Staff create a monthly schedule in the browser (1280 and 360 px, axe, strict CSP), and the dashboard
shows values without hover (a table under each chart) with no inline style."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from alternanza.report import rendering, tasks
from alternanza.report.models import InvioReport, PianificazioneReport, ReportJob, StatoJob
from tests.browser.aiuti import entra, verifica_axe, verifica_console
from tests.report.factories import ANNO, OrganoGovernanceFactory, dati_piccoli

pytestmark = pytest.mark.browser

SCHERMATE = settings.BASE_DIR / "var" / "schermate"


@pytest.mark.parametrize("larghezza", [1280, 360])
def test_lo_staff_crea_una_pianificazione_mensile_e_parte_alla_scadenza_senza_riavvii(
    contesto, live_server, staff, larghezza, monkeypatch
):
    organo = OrganoGovernanceFactory(nome="Conferenza territoriale di Imola", destinatari="c@example.org")
    ctx = contesto(viewport={"width": larghezza, "height": 900})
    entra(ctx, live_server, staff)
    pagina = ctx.new_page()
    assert pagina.goto("/report/pianificazioni/").status == 200
    verifica_axe(pagina)
    pagina.get_by_role("link", name="Nuova pianificazione").click()
    pagina.get_by_label("Nome").fill("Mensile metropolitano")
    pagina.locator("#id_tipo").select_option("metropolitano")
    pagina.locator("#id_frequenza").select_option("mensile")
    pagina.get_by_text(
        "Conferenza territoriale di Imola – c@example.org"
    ).click()  # Bootstrap Italia: the label
    verifica_axe(pagina)
    SCHERMATE.mkdir(parents=True, exist_ok=True)
    pagina.screenshot(path=str(SCHERMATE / f"i17-pianificazione-{larghezza}.png"), full_page=True)
    pagina.get_by_role("button", name="Salva").click()
    pagina.get_by_text("Pianificazione salvata").wait_for()
    pianificazione = PianificazioneReport.objects.get()
    assert list(pianificazione.organi.all()) == [organo] and pianificazione.attiva
    assert pianificazione.prossima_esecuzione > datetime.datetime.now(datetime.UTC)
    verifica_axe(pagina)
    pagina.screenshot(path=str(SCHERMATE / f"i17-pianificazioni-{larghezza}.png"), full_page=True)
    verifica_console(pagina)

    # The next run, without restarting anything: at the due time the beat entry's task (the one that
    # reads the table) requests the report, sends it to the chosen body and moves to the next month.
    voce = next(
        v for v in settings.CELERY_BEAT_SCHEDULE.values() if v["task"] == tasks.esegui_pianificazioni.name
    )
    assert voce["schedule"] <= 300
    monkeypatch.setattr(rendering, "genera", _render_finto)
    scadenza = pianificazione.prossima_esecuzione
    with time_machine.travel(scadenza - datetime.timedelta(minutes=5), tick=False):
        assert tasks.esegui_pianificazioni.delay().get() == []
    with time_machine.travel(scadenza + datetime.timedelta(minutes=4), tick=False):
        ids = tasks.esegui_pianificazioni.delay().get()
        assert tasks.esegui_pianificazioni.delay().get() == []  # the same run never happens twice
    job = ReportJob.objects.get(pk__in=ids)
    assert (job.tipo, job.origine, job.pianificazione) == ("metropolitano", "pianificato", pianificazione)
    assert job.stato == StatoJob.COMPLETATO
    assert [(i.organo, i.stato) for i in InvioReport.objects.all()] == [(organo, InvioReport.Stato.INVIATO)]
    assert [m.to for m in mail.outbox] == [["c@example.org"]]
    pianificazione.refresh_from_db()
    assert pianificazione.prossima_esecuzione - scadenza >= datetime.timedelta(days=28)  # next month's


def _render_finto(job, avanza=None):
    return rendering.Risultato(pdf=b"%PDF-1.7 finto", pagine=2, allegato=None, dati_al=timezone.now())


@pytest.mark.parametrize("larghezza", [1280, 360])
def test_cruscotto_con_valori_visibili_e_nessuno_stile_in_linea(contesto, live_server, staff, larghezza):
    dati_piccoli()
    ctx = contesto(viewport={"width": larghezza, "height": 900})
    entra(ctx, live_server, staff)
    pagina = ctx.new_page()
    assert pagina.goto(f"/report/cruscotto/?anno={ANNO}").status == 200
    assert pagina.locator("svg [style]").count() == 0
    assert pagina.locator("table caption", has_text="Valori del grafico").count() >= 4
    # The five-year trend: one line per district, its pattern in the legend, the tables under it.
    assert pagina.locator("svg path[stroke-dasharray]").count() >= 6
    assert pagina.locator("table caption", has_text="per anno scolastico").count() >= 6
    verifica_axe(pagina)
    SCHERMATE.mkdir(parents=True, exist_ok=True)
    pagina.screenshot(path=str(SCHERMATE / f"i17-cruscotto-{larghezza}.png"), full_page=True)
    verifica_console(pagina)  # no CSP violation
    # Filters without JavaScript (a GET form), then the drill-down from the projects figure.
    pagina.locator("#id_livello").select_option("secondo_grado")
    pagina.get_by_role("button", name="Mostra", exact=True).click()
    pagina.wait_for_url("**livello=secondo_grado**")
    pagina.locator(".cifre-cruscotto a").first.click()
    pagina.get_by_role("heading", name="Progetti contati negli indicatori").wait_for()
    assert "livello=secondo_grado" in pagina.url
    assert pagina.locator("tbody tr").count() == 3
    verifica_axe(pagina)
    pagina.screenshot(path=str(SCHERMATE / f"i17-cruscotto-progetti-{larghezza}.png"), full_page=True)
    verifica_console(pagina)


def test_pagine_nuove_dei_report_sono_html_valido(client, staff, distretto_a):
    from django.core.files.base import ContentFile

    from alternanza.report import servizi
    from alternanza.report.models import InvioReport, ReportJob, StatoJob, TipoReport
    from tests.browser.aiuti import errori_vnu

    dati_piccoli()
    organo = OrganoGovernanceFactory(nome="Conferenza A", distretto=distretto_a)
    pianificazione = PianificazioneReport.objects.create(
        nome="Mensile", tipo="metropolitano", frequenza="mensile"
    )
    job = ReportJob.objects.create(
        tipo=TipoReport.METROPOLITANO, anno_scolastico=ANNO, stato=StatoJob.COMPLETATO, sha256="a" * 64
    )
    job.file.save("v.pdf", ContentFile(b"%PDF-1.7"), save=True)
    invio = InvioReport.objects.create(job=job, organo=organo, destinatari="c@example.org", protocollo="P-1")
    client.force_login(staff)
    percorsi = [
        "/report/pianificazioni/",
        "/report/pianificazioni/nuova/",
        f"/report/pianificazioni/{pianificazione.pk}/",
        "/report/organi/",
        f"/report/organi/{organo.pk}/",
        f"/report/{job.pk}/?tutti_distretti=1",
        f"/report/cruscotto/?anno={ANNO}",
        f"/en/report/cruscotto/?anno={ANNO}",
        f"/report/cruscotto/progetti/?anno={ANNO}&livello=secondo_grado",
        f"/en/report/cruscotto/progetti/?anno={ANNO}",
    ]
    documenti = {p: client.get(p).content.decode() for p in percorsi}
    client.logout()
    token = servizi.link_documento(invio).rstrip("/").rsplit("/", 1)[-1]
    with time_machine.travel(
        datetime.datetime.now(datetime.UTC) + servizi.VALIDITA_LINK + datetime.timedelta(days=1)
    ):
        documenti["link scaduto"] = client.get(f"/report/documento/{token}/").content.decode()
    assert errori_vnu(documenti) == {}
