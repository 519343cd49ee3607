"""Celery tasks across the apps: `<label>.<verb>` names found by autodiscovery, the queue declared on the
task, old names still executed for one release, and tasks as leaves (no service imported at load time)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from alternanza.celery import app
from alternanza.core.compiti import CODA_PESANTE, instrada

RADICE = Path(__file__).resolve().parents[2]

# Written out by hand, so that a task renamed, lost or added without a thought fails here.
COMPITI = {
    "report.genera": CODA_PESANTE,
    "report.sorveglia": None,
    "report.invia": None,
    "report.pianificazioni": None,
    "progetti.notifica_transizione": None,
    "progetti.invia_richiesta_valutazione": None,  # the host's evaluation link (progetti.valutazioni)
    "progetti.genera_dati_aperti": CODA_PESANTE,
    "partnership.promemoria_scadenze": None,
    "partnership.invia_promemoria_convenzione": None,
    "newsletter.avvia_invio": None,
    "newsletter.invia_lotto": None,
    "newsletter.avvia_programmati": None,
    "newsletter.riprendi_invii": None,
    "newsletter.invia_prova": None,
    "newsletter.invia_conferma": None,
    "pagine.battito": None,  # the heartbeat /healthz reports (alternanza.core.osservabilita)
    "newsletter.leggi_rimbalzi": None,
    "partnership.avvisa_interesse": None,
    "partnership.avvisa_decisione": None,
    "eventi.invia_mail_prenotazione": None,
    "eventi.invia_messaggio_prenotati": None,
    "eventi.notifica_proposta": None,
    "eventi.notifica_decisione": None,
    "eventi.promemoria_prenotazioni": None,
    "eventi.scadi_prenotazioni": None,
    "core.spedisci_in_attesa": None,  # the outbox of messages the broker refused (alternanza.core.compiti)
    "core.esegui_importazione": None,
}
# The names before "one room, one name", kept for the messages already queued: remove in the next release.
VECCHI_NOMI = {
    "alternanza.tasks.pesanti.genera_report": "report.genera",
    "alternanza.tasks.sorveglia_report": "report.sorveglia",
    "alternanza.tasks.invia_report": "report.invia",
    "alternanza.progetti.notifica_transizione": "progetti.notifica_transizione",
    "alternanza.progetti.genera_dati_aperti": "progetti.genera_dati_aperti",
}
PACCHETTI = ("alternanza.", "distretti.", "partnership.", "eventi.")  # the project's code
ETICHETTE = {"report", "progetti", "partnership", "newsletter", "utenti", "eventi", "pagine", "core"}
MODULI_TASK = {
    "alternanza.report.tasks": ["alternanza.report.servizi", "alternanza.report.rendering"],
    "alternanza.progetti.tasks": ["alternanza.progetti.opendata", "alternanza.progetti.notifiche"],
    "partnership.tasks": ["partnership.promemoria"],
    "eventi.newsletter.tasks": ["eventi.newsletter.invio", "eventi.newsletter.iscrizioni"],
}


def _in_un_processo_nuovo(codice: str) -> dict:
    """Run `codice` after django.setup() in a fresh interpreter; it prints one JSON value."""
    ambiente = {**os.environ, "DJANGO_SETTINGS_MODULE": "alternanza.settings_test"}
    preambolo = "import json, sys, django\ndjango.setup()\n"
    uscita = subprocess.run(
        [sys.executable, "-c", preambolo + codice],
        cwd=RADICE,
        env=ambiente,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(uscita.stdout.strip().splitlines()[-1])


def test_autodiscovery_registra_ogni_task_e_nessuno_e_importato_prima():
    """django.setup() imports no tasks module (no side-effect import registers a task); the worker's
    start (import_default_modules, which runs the autodiscovery) registers every name, old ones too."""
    esito = _in_un_processo_nuovo(
        f"prima = [m for m in sys.modules if m.endswith('.tasks') and m.startswith({PACCHETTI!r})]\n"
        "from alternanza.celery import app\n"
        "app.loader.import_default_modules()\n"
        "nomi = sorted(n for n in app.tasks if not n.startswith('celery.'))\n"
        "print(json.dumps({'prima': sorted(prima), 'nomi': nomi}))\n"
    )
    assert esito["prima"] == []
    assert esito["nomi"] == sorted({*COMPITI, *VECCHI_NOMI})


def test_i_nomi_sono_etichetta_punto_verbo_e_nel_calendario_ci_sono_solo_nomi_nuovi():
    app.loader.import_default_modules()
    for nome in COMPITI:
        etichetta, verbo = nome.split(".")
        assert etichetta in ETICHETTE and verbo.isidentifier()
    assert {voce["task"] for voce in settings.CELERY_BEAT_SCHEDULE.values()} <= set(COMPITI)


@pytest.mark.parametrize(("nome", "coda"), COMPITI.items())
def test_la_coda_e_dichiarata_sul_task_e_letta_dal_router(nome, coda):
    app.loader.import_default_modules()
    task = app.tasks[nome]
    # Celery's own `queue` attribute is deprecated (no effect in Celery 6): the router reads `coda`.
    assert "queue" not in type(task).__dict__
    atteso = coda or settings.CELERY_TASK_DEFAULT_QUEUE
    assert app.amqp.router.route({}, nome, task_type=task)["queue"].name == atteso
    # A message sent by name only (send_task: no task object) goes to the same queue.
    assert app.amqp.router.route({}, nome)["queue"].name == atteso
    assert instrada(nome) == ({"queue": coda} if coda else None)


def test_un_vecchio_nome_passa_gli_argomenti_e_l_id_al_task_nuovo(monkeypatch):
    app.loader.import_default_modules()
    ricevuti = []
    for vecchio, nuovo in VECCHI_NOMI.items():
        monkeypatch.setattr(
            app.tasks[nuovo],
            "apply_async",
            lambda a, k, task_id, n=nuovo: ricevuti.append((n, a, k, task_id)) or SimpleNamespace(id=task_id),
        )
        app.tasks[vecchio].apply(args=[7], kwargs={"x": 1}, task_id=f"id-{vecchio}").get(
            disable_sync_subtasks=False
        )
    assert ricevuti == [(nuovo, (7,), {"x": 1}, f"id-{vecchio}") for vecchio, nuovo in VECCHI_NOMI.items()]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_un_messaggio_col_vecchio_nome_gia_in_coda_e_eseguito_dal_worker(
    con_dati_delle_migrazioni, monkeypatch, scuola_a, ufficio_a, referente_a
):
    """A message published under the old name, as a worker of the previous release left it in Redis, is
    consumed by a real (in-thread) worker and the renamed task runs: the project's e-mail goes out."""
    from alternanza.progetti.models import StatoProgetto, TransizioneProgetto
    from tests.progetti.factories import ProgettoFactory

    progetto = ProgettoFactory(scuola=scuola_a, stato=StatoProgetto.INVIATO)
    transizione = TransizioneProgetto.objects.create(
        progetto=progetto, utente=ufficio_a, da_stato=StatoProgetto.INVIATO, a_stato=StatoProgetto.VALIDATO
    )
    monkeypatch.setitem(app.conf, "task_always_eager", False)  # the hand-over travels through Redis too
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(settings.CELERY_TASK_DEFAULT_QUEUE)
    mail.outbox.clear()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        app.send_task("alternanza.progetti.notifica_transizione", args=[transizione.pk])
        limite = time.monotonic() + 30
        while not mail.outbox and time.monotonic() < limite:
            time.sleep(0.1)
    assert mail.outbox, "the message with the old name was not executed"
    assert referente_a.email in {indirizzo for m in mail.outbox for indirizzo in m.to}


@pytest.mark.parametrize(("modulo", "servizi"), MODULI_TASK.items())
def test_i_task_sono_foglie_il_modulo_non_importa_servizi(modulo, servizi):
    """Tasks import their services inside the body: loading a tasks module loads none of them, so the
    services can import the tasks at the top without a cycle."""
    caricati = _in_un_processo_nuovo(
        f"import {modulo}\nprint(json.dumps(sorted(m for m in {servizi!r} if m in sys.modules)))\n"
    )
    assert caricati == []
