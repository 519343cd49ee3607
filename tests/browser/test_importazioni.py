"""The registry import as staff use it, in a real browser at 1280 and 360 px: two files uploaded at once,
the upload answers with the job's page, which shows the counts per file, the invalid row with its line and
the CSV of the errors (the job runs inline here, as the worker would run it)."""

from __future__ import annotations

import pytest

from distretti.models import Scuola
from tests.browser.aiuti import entra, schermata, verifica_axe, verifica_console
from tests.distretti.factories import csv_anagrafe, riga

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("larghezza", [1280, 360])
def test_lo_staff_carica_l_anagrafe_e_segue_il_lavoro(contesto, live_server, staff, tmp_path, larghezza):
    paritarie = tmp_path / "SCUANAGRAFEPAR20232420230901.csv"
    paritarie.write_bytes(csv_anagrafe([riga("BO1A00001A"), riga("BO1A00002B", CAPSCUOLA="40l00")]))
    statali = tmp_path / "SCUANAGRAFESTAT20232420230901.csv.gz"
    statali.write_bytes(csv_anagrafe([riga("BOIS00003C")], statale=True, gz=True))
    ctx = contesto(viewport={"width": larghezza, "height": 800})
    entra(ctx, live_server, staff)
    pagina = ctx.new_page()
    assert pagina.goto("/territorio/importa-anagrafe/").status == 200
    verifica_axe(pagina)
    pagina.locator("input[type=file]").set_input_files([str(paritarie), str(statali)])
    schermata(pagina, f"importazione-1-modulo-{larghezza}")
    pagina.get_by_role("button", name="Importa").click()
    pagina.wait_for_load_state()
    schermata(pagina, f"importazione-2-esito-{larghezza}")
    assert "/area-riservata/importazioni/" in pagina.url
    assert pagina.get_by_text("Importazione completata.").count() == 1
    conteggi = pagina.get_by_role("table").first
    for file in (paritarie, statali):  # one row of counts per file
        assert conteggi.get_by_role("row").filter(has_text=file.name).count() == 1
    errore = pagina.get_by_role("row").filter(has_text="CAP non valido")
    assert errore.get_by_role("cell").first.inner_text() == "3"  # the line of the file
    assert pagina.get_by_role("link", name="Scarica l'elenco completo degli errori (CSV)").count() == 1
    verifica_axe(pagina)
    verifica_console(pagina)
    assert set(Scuola.objects.values_list("codice_meccanografico", flat=True)) == {"BO1A00001A", "BOIS00003C"}
