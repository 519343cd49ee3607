"""The staff page that imports the Ministry's school registry from uploaded files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from distretti.forms import DIMENSIONE_MASSIMA, ImportaScuoleForm
from distretti.models import Scuola
from tests.conftest import entra
from tests.distretti.factories import csv_anagrafe, riga

pytestmark = pytest.mark.django_db

URL = "/territorio/importa-anagrafe/"


def carica(nome: str, dati: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(nome, dati, content_type="text/csv")


def test_url_della_pagina():
    assert reverse("distretti:importa") == URL


def test_anonimo_mandato_al_login(client):
    risposta = client.get(URL)
    assert risposta.status_code == 302
    assert risposta["Location"].startswith(reverse("account_login"))


def test_ufficio_di_distretto_e_referente_non_importano(client, ufficio_a, referente_a):
    for persona in (ufficio_a, referente_a):
        entra(client, persona)
        assert client.get(URL).status_code == 403
        dati = {"file": carica("a.csv", csv_anagrafe([riga("BO1A00001A")]))}
        assert client.post(URL, dati).status_code == 403
    assert not Scuola.objects.filter(codice_meccanografico="BO1A00001A").exists()


def test_staff_vede_il_modulo(client, staff):
    risposta = entra(client, staff).get(URL)
    assert risposta.status_code == 200
    assert b'type="file"' in risposta.content
    assert b'name="strict"' in risposta.content


def test_staff_importa_piu_file_e_vede_il_rapporto_con_le_righe_non_valide(client, staff):
    primo = csv_anagrafe([riga("BO1A00001A"), riga("BO1A00002B", CAPSCUOLA="40l00")])
    secondo = csv_anagrafe(
        [
            riga(
                "BOEE00003C",
                CODICEISTITUTORIFERIMENTO="BOIC00001X",
                DESCRIZIONETIPOLOGIAGRADOISTRUZIONESCUOLA="SCUOLA PRIMARIA",
            ),
            riga("RM1A00004D", CODICECOMUNESCUOLA="H501"),
        ],
        statale=True,
        gz=True,
    )

    risposta = entra(client, staff).post(
        URL, {"file": [carica("SCUANAGRAFEPAR.csv", primo), carica("SCUANAGRAFESTAT.csv.gz", secondo)]}
    )

    assert risposta.status_code == 200
    esito = risposta.context["esito"]
    assert esito.scritto is True
    assert esito.totali == {
        "lette": 4,
        "fuori_citta": 1,
        "create": 2,
        "aggiornate": 0,
        "invariate": 0,
        "disattivate": 0,
        "non_valide": 1,
    }
    testo = risposta.content.decode()
    assert "Esito dell&#x27;importazione" in testo or "Esito dell'importazione" in testo
    assert "BO1A00002B" in testo and "CAP non valido" in testo
    assert "<td>3</td>" in testo  # the line number of the invalid row
    assert set(Scuola.objects.values_list("codice_meccanografico", flat=True)) == {"BO1A00001A", "BOEE00003C"}
    assert Scuola.objects.get(codice_meccanografico="BOEE00003C").statale is True


def test_modalita_rigorosa_dalla_pagina_non_scrive_nulla(client, staff):
    dati = csv_anagrafe([riga("BO1A00001A"), riga("BO1A00002B", INDIRIZZOEMAILSCUOLA="non-una-mail")])

    risposta = entra(client, staff).post(URL, {"file": carica("a.csv", dati), "strict": "on"})

    assert risposta.status_code == 200
    assert risposta.context["esito"].scritto is False
    assert "nessuna modifica" in risposta.content.decode()
    assert not Scuola.objects.exists()


def test_file_non_csv_rifiutato_con_il_motivo(client, staff):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100)

    risposta = entra(client, staff).post(URL, {"file": carica("anagrafe.csv", png)})

    assert risposta.status_code == 200
    assert "binario" in risposta.context["rifiuto"]
    assert "File rifiutato" in risposta.content.decode()
    assert not Scuola.objects.exists()


def test_estensione_non_ammessa_rifiutata_dal_modulo(client, staff):
    risposta = entra(client, staff).post(
        URL, {"file": carica("foto.png", csv_anagrafe([riga("BO1A00001A")]))}
    )

    assert risposta.status_code == 200
    assert "file" in risposta.context["form"].errors
    assert risposta.context["esito"] is None
    assert not Scuola.objects.exists()


def test_file_troppo_grande_rifiutato_dal_modulo():
    grande = SimpleUploadedFile("grande.csv.gz", b"x")
    grande.size = DIMENSIONE_MASSIMA + 1  # the size Django reports for the upload is what is checked

    form = ImportaScuoleForm(data={}, files=MultiValueDict({"file": [grande]}))

    assert not form.is_valid()
    assert "dimensione massima" in " ".join(form.errors["file"])


def test_senza_file_il_modulo_chiede_il_file(client, staff):
    risposta = entra(client, staff).post(URL, {})
    assert risposta.status_code == 200
    assert risposta.context["form"].errors["file"]


def test_file_troppo_grandi_insieme_rifiutati_dal_modulo():
    files = []
    for n in range(3):
        f = SimpleUploadedFile(f"f{n}.csv", b"x")
        f.size = DIMENSIONE_MASSIMA
        files.append(f)

    form = ImportaScuoleForm(data={}, files=MultiValueDict({"file": files}))

    assert not form.is_valid()
    assert "insieme" in " ".join(form.errors["file"])
