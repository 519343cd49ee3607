"""Several nodes: two gunicorn processes, each with its own local media folders, behind one nginx upstream.
A person walks upload → download → report → download and each step lands on the other node: nothing a
node keeps on its disk or in its memory is needed by the other (files in the S3 storage — moto's server
here —, sessions in the database, cache in Redis)."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlencode

import boto3
import pytest

from alternanza.progetti.models import DocumentoProgetto
from alternanza.report.models import ReportJob, StatoJob
from tests.core.test_archivi_s3 import BUCKET, CHIAVI, server_s3  # noqa: F401 - the S3 server fixture
from tests.deploy.pila import avvia_pila, intestazioni_post, multipart, sessione_di
from tests.factories import referente_scuola
from tests.partnership.factories import PDF_MINIMO
from tests.progetti.factories import ProgettoFactory
from tests.report.factories import ANNO, dati_piccoli


@pytest.fixture
def due_nodi(tmp_path, server_s3, con_dati_delle_migrazioni):  # noqa: F811
    s3 = boto3.client(
        "s3",
        endpoint_url=server_s3,
        region_name="us-east-1",
        aws_access_key_id=CHIAVI["access_key"],
        aws_secret_access_key=CHIAVI["secret_key"],
    )
    s3.create_bucket(Bucket=BUCKET)
    ambiente = {
        "S3_BUCKET_PRIVATO": BUCKET,
        "S3_ENDPOINT_URL": server_s3,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": CHIAVI["access_key"],
        "S3_SECRET_ACCESS_KEY": CHIAVI["secret_key"],
    }
    pila = avvia_pila(tmp_path / "pila", nodi=2, ambiente_nodi=[ambiente, ambiente])
    yield pila
    pila.ferma()
    for oggetto in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=oggetto["Key"])
    s3.delete_bucket(Bucket=BUCKET)


def _scarica_firmato(intestazioni: dict[str, str]) -> bytes:
    with urllib.request.urlopen(intestazioni["location"], timeout=10) as risposta:  # noqa: S310 - local S3
        return risposta.read()


def test_caricamento_scaricamento_report_scaricamento_su_nodi_alternati(due_nodi, scuola_a, staff):
    pila = due_nodi
    nodi = []
    progetto = ProgettoFactory(scuola=scuola_a)
    referente = sessione_di(referente_scuola(scuola_a))

    corpo, tipo = multipart(
        {"tipo": "documento", "doc-titolo": "Relazione finale"}, {"doc-file": ("relazione.pdf", PDF_MINIMO)}
    )
    stato, intestazioni, _ = pila.richiesta(
        "POST", f"/progetti/{progetto.pk}/allegati/", corpo, intestazioni_post(pila, referente, tipo)
    )
    assert stato == 302, stato
    nodi.append(intestazioni["x-nodo-test"])
    documento = DocumentoProgetto.objects.get(progetto=progetto)

    stato, intestazioni, _ = pila.richiesta(
        "GET",
        f"/progetti/{progetto.pk}/documenti/{documento.pk}/",
        intestazioni={"Cookie": f"sessionid={referente}"},
    )
    assert stato == 302
    nodi.append(intestazioni["x-nodo-test"])
    assert _scarica_firmato(intestazioni) == PDF_MINIMO

    dati_piccoli()
    gestore = sessione_di(staff)
    corpo = urlencode({"tipo": "metropolitano", "anno_scolastico": ANNO}).encode()
    stato, intestazioni, _ = pila.richiesta(
        "POST", "/report/nuovo/", corpo, intestazioni_post(pila, gestore, "application/x-www-form-urlencoded")
    )
    assert stato == 302, stato
    nodi.append(intestazioni["x-nodo-test"])
    job = ReportJob.objects.get()
    assert job.stato == StatoJob.COMPLETATO, job.errore

    stato, intestazioni, _ = pila.richiesta(
        "GET", f"/report/{job.pk}/scarica/", intestazioni={"Cookie": f"sessionid={gestore}"}
    )
    assert stato == 302
    nodi.append(intestazioni["x-nodo-test"])
    assert _scarica_firmato(intestazioni).startswith(b"%PDF-")

    # Every step on the other node than the one before; neither node wrote a private file to its disk.
    assert len(set(nodi)) == 2 and all(a != b for a, b in zip(nodi, nodi[1:], strict=False)), nodi
    for n in (0, 1):
        assert not any((pila.prefisso / f"nodo{n}").rglob("*.pdf"))
