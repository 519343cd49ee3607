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


@pytest.mark.django_db
def test_metriche_solo_con_il_token_del_raccoglitore(client, settings, staff):
    settings.METRICS_TOKEN = "token-del-raccoglitore-di-prova"
    client.get("/healthz")
    assert client.get("/metriche").status_code == 404
    assert client.get("/metriche", HTTP_AUTHORIZATION="Bearer sbagliato").status_code == 404
    client.force_login(staff)
    assert client.get("/metriche").status_code == 404  # not even staff: it is for the scraper
    risposta = client.get("/metriche", HTTP_AUTHORIZATION="Bearer token-del-raccoglitore-di-prova")
    assert risposta.status_code == 200 and risposta["Content-Type"].startswith("text/plain")
    testo = risposta.content.decode()
    assert 'portale_richieste_total{metodo="GET",stato="2xx"}' in testo
    assert "portale_richiesta_secondi_bucket" in testo


def test_con_sentry_dsn_gli_errori_arrivano_al_server(tmp_path):
    """SENTRY_DSN pointing at a local HTTP server (what GlitchTip or Sentry would be) gets the event."""
    import gzip
    import http.server
    import threading

    ricevuti: list[bytes] = []

    class Raccoglitore(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            corpo = self.rfile.read(int(self.headers["Content-Length"]))
            codifica = self.headers.get("Content-Encoding", "")
            if codifica == "gzip":
                corpo = gzip.decompress(corpo)
            elif codifica == "br":  # sentry-sdk prefers brotli when the package is installed
                import brotli

                corpo = brotli.decompress(corpo)
            ricevuti.append(self.path.encode() + b" " + corpo)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Raccoglitore)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    programma = (
        "import django, sentry_sdk; django.setup(); "
        "sentry_sdk.capture_exception(ValueError('prova-errore-portale')); sentry_sdk.flush(5)"
    )
    ambiente = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "alternanza.settings",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/alternanza",
        "SENTRY_DSN": f"http://chiavepubblica@127.0.0.1:{server.server_port}/7",
    }
    try:
        esito = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", programma], cwd=RADICE, env=ambiente, capture_output=True, timeout=60
        )
    finally:
        server.shutdown()
    assert esito.returncode == 0, esito.stderr.decode()
    assert any(r.startswith(b"/api/7/envelope/") and b"prova-errore-portale" in r for r in ricevuti)
