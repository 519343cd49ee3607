"""`make backup` / `make restore` (scripts/backup.sh): a backup of the database and of the private files,
restored into an empty database and empty folders, gives back a project, a report and its file."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.files.base import ContentFile

from alternanza.report.models import StatoJob, TipoReport
from tests.deploy.pila import RADICE
from tests.partnership.factories import PDF_MINIMO
from tests.progetti.factories import ProgettoFactory
from tests.report.factories import ReportJobFactory
from tests.worker import url_database_di_test


def _make(obiettivo: str, ambiente: dict[str, str], **variabili: str) -> None:
    argomenti = [f"{k}={v}" for k, v in variabili.items()]
    esito = subprocess.run(  # noqa: S603 - fixed arguments
        ["make", "-s", obiettivo, *argomenti],
        cwd=RADICE,
        env=ambiente,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert esito.returncode == 0, esito.stdout + esito.stderr


@pytest.mark.django_db(transaction=True)
def test_backup_cancellazione_e_ripristino(
    tmp_path, settings, con_dati_delle_migrazioni, scuola_a, distretto_a
):
    settings.MEDIA_PRIVATI_ROOT = tmp_path / "privato"
    settings.MEDIA_ROOT = tmp_path / "media"
    progetto = ProgettoFactory(scuola=scuola_a, titolo="Robotica in officina, da ripristinare")
    job = ReportJobFactory(tipo=TipoReport.DISTRETTO, distretto=distretto_a, stato=StatoJob.COMPLETATO)
    job.file.save("report.pdf", ContentFile(PDF_MINIMO + b"%backup"), save=True)
    ambiente = {
        **os.environ,
        "DATABASE_URL": url_database_di_test(),
        "MEDIA_PRIVATI_ROOT": str(tmp_path / "privato"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    _make("backup", ambiente, BACKUP_DIR=str(tmp_path / "backup"))
    assert (tmp_path / "backup/database.dump").read_bytes()[:5] == b"PGDMP"  # custom format

    # Wipe: the files are gone (the folder itself stays, as a volume's mount point does, and must still
    # be the same folder after the restore) and the restore goes into a brand-new, empty database.
    cartella = tmp_path / "privato"
    inode = cartella.stat().st_ino
    for figlio in cartella.iterdir():
        shutil.rmtree(figlio)
    (cartella / "estraneo.txt").write_text("non era nel backup")
    nome = f"ripristino_{uuid.uuid4().hex[:8]}"
    parametri = psycopg2.extensions.parse_dsn(url_database_di_test())
    amministrazione = psycopg2.connect(**{**parametri, "dbname": "postgres"})
    amministrazione.autocommit = True
    with amministrazione.cursor() as cursore:
        cursore.execute(f'CREATE DATABASE "{nome}"')
    try:
        url = url_database_di_test().rsplit("/", 1)[0] + "/" + nome
        _make("restore", {**ambiente, "DATABASE_URL": url}, BACKUP_DIR=str(tmp_path / "backup"))
        with psycopg2.connect(**{**parametri, "dbname": nome}) as ripristinato, ripristinato.cursor() as c:
            c.execute("SELECT titolo FROM alternanza_progetto WHERE id = %s", [progetto.pk])
            assert c.fetchone() == ("Robotica in officina, da ripristinare",)
            c.execute("SELECT file, stato FROM report_reportjob WHERE id = %s", [job.pk])
            nome_file, stato = c.fetchone()
        ripristinato.close()
        assert nome_file == job.file.name and stato == StatoJob.COMPLETATO
        assert Path(cartella / nome_file).read_bytes() == PDF_MINIMO + b"%backup"
        assert cartella.stat().st_ino == inode and not (cartella / "estraneo.txt").exists()
    finally:
        with amministrazione.cursor() as cursore:
            cursore.execute(f'DROP DATABASE IF EXISTS "{nome}" WITH (FORCE)')
        amministrazione.close()
