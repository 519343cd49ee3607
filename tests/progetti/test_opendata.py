"""Open data: CSV/JSON of published projects, public partnerships and indicators; Frictionless; DCAT-AP_IT."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from django.urls import reverse

from alternanza.progetti.models import StatoProgetto
from alternanza.progetti.opendata import CAMPI_INDICATORI, CAMPI_PROGETTI
from partnership.models import Partnership
from tests.progetti.factories import ProgettoFactory, ProgettoPubblicatoFactory

S = StatoProgetto
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _archivio_vuoto(settings, tmp_path):
    """Exports are written to the default storage: each test starts without any."""
    settings.MEDIA_ROOT = tmp_path


def _testo(risposta) -> str:
    return b"".join(risposta.streaming_content).decode()


def test_i_file_generati_dal_lavoro_sono_serviti_agli_url_stabili(client, scuola_a):
    from alternanza.progetti.tasks import genera_dati_aperti

    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Prima")
    genera_dati_aperti()
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Dopo l'esportazione")
    risposta = client.get(reverse("progetti:dati_progetti_csv"))
    assert "Last-Modified" in risposta
    titoli = [r["titolo"] for r in csv.DictReader(io.StringIO(_testo(risposta)))]
    assert titoli == ["Prima"]  # the stored export, until the next one
    genera_dati_aperti()
    titoli = [
        r["titolo"]
        for r in csv.DictReader(io.StringIO(_testo(client.get(reverse("progetti:dati_progetti_csv")))))
    ]
    assert titoli == ["Prima", "Dopo l'esportazione"]


def test_la_pubblicazione_mette_in_coda_una_sola_esportazione(
    django_capture_on_commit_callbacks, monkeypatch, ufficio_a, scuola_a
):
    from alternanza.progetti import workflow
    from alternanza.progetti.tasks import genera_dati_aperti

    code = []

    def in_coda(*args, **kwargs):
        code.append(kwargs)
        return SimpleNamespace(id="compito")

    monkeypatch.setattr(genera_dati_aperti, "apply_async", in_coda)
    for _ in range(3):
        progetto = ProgettoFactory(scuola=scuola_a, stato=S.VALIDATO)
        with django_capture_on_commit_callbacks(execute=True):
            workflow.esegui(progetto, workflow.Azione.PUBBLICA, ufficio_a)
    assert len(code) == 1


def test_il_csv_contiene_solo_i_progetti_pubblicati_con_consenso(client, scuola_a, organizzazione):
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Pubblico", ospitanti=[organizzazione])
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Senza consenso", consenso_vetrina=False)
    ProgettoFactory(scuola=scuola_a, stato=S.VALIDATO, titolo="Validato")
    risposta = client.get(reverse("progetti:dati_progetti_csv"))
    assert risposta["Content-Type"].startswith("text/csv")
    righe = list(csv.DictReader(io.StringIO(_testo(risposta))))
    assert [r["titolo"] for r in righe] == ["Pubblico"]
    riga = righe[0]
    assert list(riga) == [c.nome for c in CAMPI_PROGETTI]
    assert riga["organizzazioni_ospitanti"] == organizzazione.nome
    assert riga["distretto"] == "Bologna"
    assert riga["url"].endswith(f"/progetti/{riga['id']}/")


def test_nessun_dato_sensibile_per_progetto_negli_open_data():
    nomi = {c.nome for c in CAMPI_PROGETTI}
    assert not nomi & {"studenti_con_sostegno", "studenti_origine_straniera", "classi", "creato_da_nome"}


def test_il_json_ha_gli_stessi_campi_del_csv(client, scuola_a):
    ProgettoPubblicatoFactory(scuola=scuola_a)
    dati = json.loads(_testo(client.get(reverse("progetti:dati_progetti_json"))))
    assert len(dati) == 1
    assert list(dati[0]) == [c.nome for c in CAMPI_PROGETTI]


def test_indicatori_per_distretto_e_anno(client, scuola_a, scuola_b):
    ProgettoPubblicatoFactory(
        scuola=scuola_a, studenti_totale=10, studenti_ragazze=4, studenti_con_formazione_sicurezza=10
    )
    ProgettoFactory(scuola=scuola_a, stato=S.VALIDATO, studenti_totale=30, studenti_ragazze=6)
    ProgettoFactory(scuola=scuola_b, stato=S.BOZZA, studenti_totale=50)
    dati = json.loads(_testo(client.get(reverse("progetti:dati_indicatori_json"))))
    assert dati == [
        {
            **{c.nome: None for c in CAMPI_INDICATORI},
            "anno_scolastico": "2025/26",
            "distretto": "Bologna",
            "progetti_validati": 2,
            "progetti_pubblicati": 1,
            "scuole": 1,
            "organizzazioni_ospitanti": 0,
            "studenti_totale": 40,
            "studenti_ragazze": 10,
            "studenti_origine_straniera": 6,
            "studenti_con_sostegno": 2,
            "studenti_con_formazione_sicurezza": 30,
            "ore_svolte": 0,
            "quota_ragazze": 0.25,
        }
    ]


def test_partnership_pubbliche_soltanto(client):
    Partnership.objects.create(titolo="Rete meccanica", slug="rete-meccanica", pubblicata=True)
    Partnership.objects.create(titolo="Bozza interna", slug="bozza-interna", pubblicata=False)
    righe = list(csv.DictReader(io.StringIO(_testo(client.get(reverse("progetti:dati_partnership_csv"))))))
    assert [r["titolo"] for r in righe] == ["Rete meccanica"]


def test_datapackage_frictionless_con_licenza_e_schemi(client):
    pacchetto = client.get(reverse("progetti:datapackage")).json()
    assert pacchetto["profile"] == "tabular-data-package"
    assert pacchetto["licenses"][0]["name"] == "CC-BY-4.0"
    nomi = {r["name"] for r in pacchetto["resources"]}
    assert nomi == {f"{d}-{f}" for d in ("progetti", "partnership", "indicatori") for f in ("csv", "json")}
    progetti = next(r for r in pacchetto["resources"] if r["name"] == "progetti-csv")
    assert [f["name"] for f in progetti["schema"]["fields"]] == [c.nome for c in CAMPI_PROGETTI]
    assert all(f["description"] and f["type"] for f in progetti["schema"]["fields"])
    assert progetti["path"].endswith("/progetti/dati/progetti.csv")


NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "dct": "http://purl.org/dc/terms/",
}


def test_catalogo_dcat_ap_it_con_i_campi_obbligatori(client, scuola_a):
    ProgettoPubblicatoFactory(scuola=scuola_a)
    risposta = client.get(reverse("progetti:catalogo_dcat"))
    assert risposta["Content-Type"].startswith("application/rdf+xml")
    radice = ET.fromstring(risposta.content)  # noqa: S314 - our own output, not untrusted input
    catalogo = radice.find("dcatapit:Catalog", NS)
    for campo in ("dct:title", "dct:description", "dct:publisher", "dct:modified", "dcat:dataset"):
        assert catalogo.find(campo, NS) is not None, campo
    dataset = radice.findall("dcatapit:Dataset", NS)
    assert len(dataset) == 3
    for d in dataset:
        for campo in (
            "dct:identifier",
            "dct:title",
            "dct:description",
            "dct:modified",
            "dcat:theme",
            "dct:rightsHolder",
            "dct:accrualPeriodicity",
            "dcat:distribution",
        ):
            assert d.find(campo, NS) is not None, campo
    distribuzioni = radice.findall("dcatapit:Distribution", NS)
    assert len(distribuzioni) == 6
    for d in distribuzioni:
        for campo in ("dct:format", "dcat:accessURL", "dct:license", "dct:description"):
            assert d.find(campo, NS) is not None, campo


# --- Validators: Frictionless, HEAD on every download URL, DCAT-AP 3, formulas -----------------------

URL_DATI = [
    "progetti:dati",
    *[f"progetti:dati_{d}_{f}" for d in ("progetti", "partnership", "indicatori") for f in ("csv", "json")],
    "progetti:datapackage",
    "progetti:catalogo_dcat",
]


@pytest.fixture
def senza_rete(monkeypatch):
    """Any attempt to open a network connection fails the test: validation must work offline."""
    import socket

    def vietato(*args, **kwargs):
        raise AssertionError(f"connessione di rete tentata: {args}")

    monkeypatch.setattr(socket.socket, "connect", vietato)
    monkeypatch.setattr(socket, "create_connection", vietato)


def _pacchetto_locale(client, cartella) -> str:
    """The data package as served, with each resource's path pointing to the file served at that URL."""
    pacchetto = client.get(reverse("progetti:datapackage")).json()
    for risorsa in pacchetto["resources"]:
        dataset, formato = risorsa["name"].rsplit("-", 1)
        nome = f"{dataset}.{formato}"
        (cartella / nome).write_bytes(
            b"".join(client.get(reverse(f"progetti:dati_{dataset}_{formato}")).streaming_content)
        )
        risorsa["path"] = nome
    percorso = cartella / "datapackage.json"
    percorso.write_text(json.dumps(pacchetto, ensure_ascii=False), encoding="utf-8")
    return str(percorso)


def test_il_datapackage_supera_frictionless_validate_senza_rete(
    client, scuola_a, organizzazione, tmp_path, senza_rete
):
    from frictionless import Package, validate

    ProgettoPubblicatoFactory(
        scuola=scuola_a, ospitanti=[organizzazione], ore_previste=90, ore_svolte=40, studenti_totale=24
    )
    Partnership.objects.create(titolo="Rete meccanica", slug="rete-meccanica", pubblicata=True)
    cartella = tmp_path / "pacchetto"
    cartella.mkdir()
    percorso = _pacchetto_locale(client, cartella)
    rapporto = validate(percorso)
    assert rapporto.valid, rapporto.flatten(["type", "note"])
    assert rapporto.stats["tasks"] == 6
    righe = Package(percorso, basepath=str(cartella)).get_resource("progetti-csv").read_rows()
    assert righe[0]["ore_svolte"] == 40
    assert righe[0]["studenti_totale"] == 24


def test_frictionless_rifiuta_una_data_semplice_in_created(client, tmp_path, senza_rete):
    """The check the test above relies on: `created` as a bare date is an error for the validator."""
    from frictionless import validate

    percorso = _pacchetto_locale(client, tmp_path)
    with open(percorso, encoding="utf-8") as f:
        pacchetto = json.load(f)
    assert "T" in pacchetto["created"]
    pacchetto["created"] = "2026-12-03"
    with open(percorso, "w", encoding="utf-8") as f:
        json.dump(pacchetto, f)
    assert not validate(percorso).valid


@pytest.mark.parametrize("nome", URL_DATI)
def test_ogni_url_dei_dati_risponde_a_head(client, nome):
    risposta = client.head(reverse(nome))
    assert risposta.status_code == 200
    assert risposta["Content-Type"] == client.get(reverse(nome))["Content-Type"]


def test_head_di_un_file_non_ancora_esportato_non_genera_le_righe(client, monkeypatch):
    from alternanza.progetti import opendata

    def mai(*args, **kwargs):
        raise AssertionError("righe generate per una HEAD")

    monkeypatch.setattr(opendata, "csv_a_blocchi", mai)
    assert client.head(reverse("progetti:dati_progetti_csv")).status_code == 200


def test_dcat_ap_3_media_type_iana_e_conforms_to_uno_standard(client, scuola_a):
    ProgettoPubblicatoFactory(scuola=scuola_a)
    radice = ET.fromstring(client.get(reverse("progetti:catalogo_dcat")).content)  # noqa: S314
    rdf_about = f"{{{NS['rdf']}}}about"
    tipi = set()
    for d in radice.findall("dcatapit:Distribution", NS):
        media = d.find("dcat:mediaType/dct:MediaType", NS)
        assert media is not None and not (d.find("dcat:mediaType", NS).text or "").strip()
        tipi.add(media.get(rdf_about))
    assert tipi == {
        "http://www.iana.org/assignments/media-types/text/csv",
        "http://www.iana.org/assignments/media-types/application/json",
    }
    for d in radice.findall("dcatapit:Dataset", NS):
        standard = d.find("dct:conformsTo/dct:Standard", NS)
        assert standard is not None
        assert standard.get(rdf_about).endswith("/progetti/dati/datapackage.json")
        assert standard.find("dct:title", NS).text


def test_i_dati_aperti_neutralizzano_le_formule(client, scuola_a):
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo='=HYPERLINK("http://x.example","clic")')
    Partnership.objects.create(titolo="+39 rete", slug="rete", descrizione="@somma", pubblicata=True)
    riga = next(csv.DictReader(io.StringIO(_testo(client.get(reverse("progetti:dati_progetti_csv"))))))
    assert riga["titolo"] == '\'=HYPERLINK("http://x.example","clic")'
    dati = json.loads(_testo(client.get(reverse("progetti:dati_progetti_json"))))
    assert dati[0]["titolo"] == '\'=HYPERLINK("http://x.example","clic")'
    assert dati[0]["ore_previste"] >= 0  # numbers stay numbers
    partnership = json.loads(_testo(client.get(reverse("progetti:dati_partnership_json"))))[0]
    assert (partnership["titolo"], partnership["descrizione"]) == ("'+39 rete", "'@somma")
