"""Private files on an S3-compatible object store (django-storages), against a real S3 protocol server:
moto's standalone server (`moto_server`, from PyPI) started by the fixture in a process of its own."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import entra
from tests.partnership.factories import PDF_MINIMO
from tests.progetti.factories import ProgettoFactory

BUCKET = "alternanza-privato"
CHIAVI = {"access_key": "prova", "secret_key": "prova-segreta"}


def _porta_libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_s3(tmp_path_factory):
    porta = _porta_libera()
    eseguibile = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or "moto_server"
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as uscita:
        processo = subprocess.Popen(  # noqa: S603 - our own test server
            [eseguibile, "-H", "127.0.0.1", "-p", str(porta)], stdout=uscita, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{porta}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1)  # noqa: S310 - local test server
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            raise RuntimeError(f"moto_server did not start: {log.read_text()}")
        yield url
    finally:
        processo.terminate()
        processo.wait(timeout=10)


@pytest.fixture
def s3(server_s3, settings, tmp_path):
    client = boto3.client(
        "s3",
        endpoint_url=server_s3,
        region_name="us-east-1",
        aws_access_key_id=CHIAVI["access_key"],
        aws_secret_access_key=CHIAVI["secret_key"],
        config=Config(signature_version="s3v4"),
    )
    client.create_bucket(Bucket=BUCKET)
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "privato": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": server_s3,
                "region_name": "us-east-1",
                **CHIAVI,
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
                "signature_version": "s3v4",
            },
        },
    }
    yield client
    for oggetto in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=oggetto["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _chiavi(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.mark.django_db
def test_caricamento_scaricamento_firmato_e_cancellazione_su_s3(
    s3, client, referente_a, referente_b, scuola_a, django_capture_on_commit_callbacks
):
    progetto = ProgettoFactory(scuola=scuola_a)
    entra(client, referente_a)
    client.post(
        reverse("progetti:allegati", args=[progetto.pk]),
        {
            "tipo": "documento",
            "doc-titolo": "Relazione finale",
            "doc-file": SimpleUploadedFile("relazione.pdf", PDF_MINIMO),
        },
    )
    documento = progetto.documenti.get()
    # Upload: the object is in the bucket under its random name, nothing on the local disk.
    assert _chiavi(s3) == [documento.file.name]
    assert "relazione" not in documento.file.name
    vista = reverse("progetti:documento", args=[progetto.pk, documento.pk])

    # Another school's contact: refused before any URL is signed.
    entra(client, referente_b)
    negata = client.get(vista)
    assert negata.status_code == 404 and "Location" not in negata

    # The project's contact: redirected to a short-lived signed URL that the S3 server honours.
    entra(client, referente_a)
    risposta = client.get(vista)
    assert risposta.status_code == 302
    firmato = risposta["Location"]
    assert firmato.startswith(s3.meta.endpoint_url) and "X-Amz-Signature=" in firmato
    assert "X-Amz-Expires=60" in firmato
    with urllib.request.urlopen(firmato, timeout=5) as scaricato:  # noqa: S310 - local test server
        assert scaricato.read() == PDF_MINIMO
        assert 'filename="relazione-finale.pdf"' in scaricato.headers["Content-Disposition"]
        assert scaricato.headers["Content-Type"] == "application/pdf"

    # Deletion removes the object from the bucket (on commit).
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("progetti:elimina_allegato", args=[progetto.pk, "documento", documento.pk]))
    assert _chiavi(s3) == []
