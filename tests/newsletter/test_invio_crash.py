"""Fault test of the newsletter: a REAL Celery worker is killed with SIGKILL in the middle of a
2,000-recipient send, a new worker finishes it, and every subscriber must have received the issue (none
lost) with at most one duplicate per killed worker (the message in flight at the kill).

Recovery of the killed batch: its task is unacknowledged (acks_late) but the broker would redeliver it
only after the visibility timeout (longer than the longest task, tens of minutes). The periodic task
newsletter.riprendi_invii re-enqueues the pending deliveries of a send without progress; here it is
enqueued every second with a 2-second threshold, as Celery beat would do with the production values.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from eventi.newsletter import invio
from eventi.newsletter.models import Consegna, Iscritto, Numero, StatoConsegna, StatoIscritto, StatoNumero
from tests.newsletter.smtp import Pozzo
from tests.worker import url_database_di_test

DESTINATARI = 2000
GIRI = 3
RADICE = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _ambiente(porta_smtp: int) -> dict[str, str]:
    ambiente = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "NEWSLETTER_", "EMAIL_"))}
    ambiente.update(
        {
            "DJANGO_SETTINGS_MODULE": "alternanza.settings",
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "false",
            "DATABASE_URL": url_database_di_test(),
            "REDIS_URL": settings.REDIS_URL,
            "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", "alternanza"),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(porta_smtp),
            "NEWSLETTER_RATE_LIMIT": "0",  # as fast as the sink takes them
            "NEWSLETTER_BATCH_SIZE": "50",
            "LOG_LEVEL": "WARNING",
        }
    )
    return ambiente


class Worker:
    """`celery -A alternanza worker --concurrency 1 -Q default` in its own process group."""

    def __init__(self, ambiente: dict[str, str], log: Path):
        self.log = log
        self._file = open(log, "ab")  # noqa: SIM115 - closed in ferma()/uccidi()
        self.processo = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "alternanza",
                "worker",
                "--concurrency",
                "1",
                "-Q",
                "default",
                "--pool",
                "prefork",
                "-l",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"crash-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],  # fmt: skip
            cwd=RADICE,
            env=ambiente,
            stdout=self._file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def uccidi(self) -> None:
        """SIGKILL to the whole group: the main process and its pool child die at once."""
        os.killpg(self.processo.pid, signal.SIGKILL)
        self.processo.wait(timeout=10)
        self._file.close()

    def ferma(self) -> None:
        if self.processo.poll() is None:
            os.killpg(self.processo.pid, signal.SIGTERM)
            try:
                self.processo.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.processo.pid, signal.SIGKILL)
                self.processo.wait(timeout=10)
        self._file.close()

    def vivo(self) -> bool:
        return self.processo.poll() is None


@pytest.fixture
def celery_reale(monkeypatch, con_dati_delle_migrazioni):
    """Tasks of this test process go to the real broker (Redis), not inline."""
    from alternanza.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # no task left over by an earlier run
    return app


def _iscritti(n: int) -> list[str]:
    adesso = timezone.now()
    Iscritto.objects.bulk_create(
        Iscritto(email=f"crash{i:05d}@example.org", stato=StatoIscritto.CONFERMATO, confermato_il=adesso)
        for i in range(n)
    )
    return [f"crash{i:05d}@example.org" for i in range(n)]


def _attendi(condizione, secondi: float, descrizione: str, worker: Worker | None = None, passo=0.01):
    limite = time.monotonic() + secondi
    while time.monotonic() < limite:
        if condizione():
            return
        if worker is not None and not worker.vivo():
            pytest.fail(f"the worker died by itself while waiting for {descrizione}: see {worker.log}")
        time.sleep(passo)
    pytest.fail(f"timeout waiting for {descrizione}" + (f" (log: {worker.log})" if worker else ""))


def test_worker_ucciso_a_meta_invio_nessun_messaggio_perso_e_al_massimo_un_duplicato(celery_reale):
    from eventi.newsletter.tasks import riprendi_invii

    rng = random.Random()  # noqa: S311 - the kill moment is random on purpose; printed for reproduction
    indirizzi = _iscritti(DESTINATARI)
    cartella = Path(tempfile.mkdtemp(prefix="newsletter-crash-"))
    with Pozzo(tieni_messaggi=False) as pozzo:
        ambiente = _ambiente(pozzo.porta)
        worker = Worker(ambiente, cartella / "worker-0.log")
        try:
            for giro in range(GIRI):
                t0 = time.monotonic()
                pozzo.gestore.ricevuti.clear()
                soglia = rng.randint(50, DESTINATARI - 100)
                numero = Numero.objects.create(oggetto=f"Numero del giro {giro}", corpo="<p>Prova</p>")
                assert invio.invia_ora(numero)  # autocommit: the dispatcher task goes to Redis at once

                _attendi(lambda s=soglia: pozzo.gestore.totale >= s, 60, f"{soglia} messages", worker)
                worker.uccidi()
                al_kill = pozzo.gestore.totale
                print(f"giro {giro}: SIGKILL after {al_kill} messages at {time.monotonic() - t0:.1f}s")
                assert al_kill < DESTINATARI, "the kill came too late to test anything"

                worker = Worker(ambiente, cartella / f"worker-{giro + 1}.log")
                ultimo_riprendi = 0.0

                def finito(numero_id=numero.pk):
                    nonlocal ultimo_riprendi
                    if time.monotonic() - ultimo_riprendi > 1:  # what Celery beat does in production
                        riprendi_invii.delay(2)
                        ultimo_riprendi = time.monotonic()
                    # The issue is closed by the worker's last step, just after its last delivery is
                    # marked: wait for both, or a busy machine sees the deliveries done a moment before.
                    return (
                        not Consegna.objects.filter(
                            numero_id=numero_id, stato=StatoConsegna.IN_ATTESA
                        ).exists()
                        and Numero.objects.filter(pk=numero_id, stato=StatoNumero.INVIATO).exists()
                    )

                _attendi(finito, 60, "the end of the send", worker, passo=0.2)

                ricevuti = dict(pozzo.gestore.ricevuti)
                persi = [i for i in indirizzi if ricevuti.get(i, 0) == 0]
                duplicati = sum(n - 1 for n in ricevuti.values() if n > 1)
                print(f"giro {giro}: lost {len(persi)}, duplicates {duplicati}, {time.monotonic() - t0:.1f}s")
                assert not persi, f"{len(persi)} subscribers never got the issue, e.g. {persi[:5]}"
                assert duplicati <= 1, f"{duplicati} duplicates with one killed worker"
                assert set(Consegna.objects.filter(numero=numero).values_list("stato", flat=True)) == {
                    StatoConsegna.INVIATA
                }
                numero.refresh_from_db()
                assert numero.stato == StatoNumero.INVIATO
        finally:
            worker.ferma()
