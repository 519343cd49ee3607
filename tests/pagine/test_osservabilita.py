"""Observability (alternanza/core/osservabilita.py): a request id on the answer and on the log lines of
the tasks it queues, JSON logs, and /healthz reporting the beat and worker heartbeats — with a real
worker process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from alternanza.core.osservabilita import CHIAVE_WORKER, ID_RICHIESTA
from tests.worker import url_database_di_test

RADICE = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_ogni_risposta_ha_un_id_di_richiesta_e_quello_di_nginx_e_ripreso(client):
    generato = client.get("/healthz")["X-Request-ID"]
    assert len(generato) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="a1b2c3d4e5f6a7b8")["X-Request-ID"] == "a1b2c3d4e5f6a7b8"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


@pytest.mark.django_db
def test_healthz_senza_battiti_dice_sconosciuto_senza_fallire(client):
    corpo = client.get("/healthz").json()
    assert corpo["worker"] == {"last_heartbeat_age_s": None, "status": "unknown"}
    assert corpo["beat"]["status"] == "unknown"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_battito_del_worker_e_id_di_richiesta_nei_log_json_del_task(client, tmp_path, monkeypatch):
    from alternanza.celery import app
    from alternanza.pagine.tasks import battito

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    log = tmp_path / "worker.log"
    ambiente = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "EMAIL_"))}
    ambiente.update(
        {
            "DJANGO_SETTINGS_MODULE": "alternanza.settings",
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "false",
            "DATABASE_URL": url_database_di_test(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "LOG_JSON": "true",
            "LOG_LEVEL": "INFO",
        }
    )
    with open(log, "ab") as uscita:
        processo = subprocess.Popen(  # noqa: S603 - our own worker
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "alternanza",
                "worker",
                "-Q",
                "default",
                "--concurrency",
                "1",
                "--pool",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"osservabilita-{os.getpid()}@%h",
            ],  # fmt: skip
            cwd=RADICE,
            env=ambiente,
            stdout=uscita,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        segno = ID_RICHIESTA.set("richiesta-di-prova-42")
        try:
            battito.delay()  # as beat does every minute
        finally:
            ID_RICHIESTA.reset(segno)
        limite = time.monotonic() + 60
        while cache.get(CHIAVE_WORKER) is None and time.monotonic() < limite:
            time.sleep(0.1)
        assert cache.get(CHIAVE_WORKER) is not None, log.read_text()[-3000:]
        corpo = client.get("/healthz").json()
        assert corpo["worker"]["status"] == "ok" and corpo["worker"]["last_heartbeat_age_s"] < 60
        assert corpo["beat"]["status"] == "ok"
        righe = [json.loads(r) for r in log.read_text().splitlines() if r.startswith("{")]
        battiti = [r for r in righe if r.get("message") == "heartbeat"]
        assert battiti and battiti[0]["request_id"] == "richiesta-di-prova-42"
        assert battiti[0]["logger"] == "alternanza.pagine.tasks" and battiti[0]["level"] == "INFO"
    finally:
        os.killpg(processo.pid, signal.SIGTERM)
        processo.wait(timeout=20)
