"""The report job page in a real browser: the progress bar follows the job through the JSON status
endpoint (JavaScript from a static file, strict CSP), the page reloads with the download when the job
is done; without JavaScript the plain "Aggiorna lo stato" link does the same."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from alternanza.report.models import ReportJob, StatoJob, TipoReport
from tests.browser.aiuti import entra, verifica_axe, verifica_console

pytestmark = pytest.mark.browser


def _completa(job: ReportJob) -> None:
    job.file.save("browser.pdf", ContentFile(b"%PDF-1.7 browser"), save=False)
    ReportJob.objects.filter(pk=job.pk).update(
        stato=StatoJob.COMPLETATO, progresso=100, file=job.file.name, pagine=12, completato_il=timezone.now()
    )


def test_la_barra_di_avanzamento_segue_il_job_e_poi_mostra_il_download(contesto, live_server, staff):
    job = ReportJob.objects.create(
        tipo=TipoReport.METROPOLITANO, anno_scolastico="2025/26", stato=StatoJob.IN_CORSO, progresso=20
    )
    ctx = contesto(viewport={"width": 1280, "height": 800})
    entra(ctx, live_server, staff)
    pagina = ctx.new_page()
    assert pagina.goto(f"/report/{job.pk}/").status == 200
    barra = pagina.locator("#report-progresso")
    assert barra.get_attribute("value") == "20"
    verifica_axe(pagina)

    ReportJob.objects.filter(pk=job.pk).update(progresso=65, fase="composizione del PDF")
    pagina.wait_for_function("() => document.getElementById('report-progresso').value === 65")
    assert "composizione del PDF" in pagina.locator("#report-fase").inner_text()

    _completa(job)
    pagina.get_by_role("link", name="Scarica il PDF").wait_for()
    assert pagina.locator("#report-progresso").count() == 0
    assert "12 pagine" in pagina.content()
    verifica_console(pagina)  # no CSP violation, no failed request


def test_senza_javascript_il_link_aggiorna_lo_stato(contesto, live_server, staff):
    job = ReportJob.objects.create(
        tipo=TipoReport.METROPOLITANO, anno_scolastico="2025/26", stato=StatoJob.IN_CODA, progresso=0
    )
    ctx = contesto(java_script_enabled=False)
    entra(ctx, live_server, staff)
    pagina = ctx.new_page()
    pagina.goto(f"/report/{job.pk}/")
    assert pagina.locator("#report-progresso").get_attribute("value") == "0"
    _completa(job)
    pagina.get_by_role("link", name="Aggiorna lo stato").click()
    pagina.wait_for_load_state()
    assert pagina.get_by_role("link", name="Scarica il PDF").is_visible()
