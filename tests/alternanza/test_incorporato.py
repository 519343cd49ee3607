"""alternanza/incorporato.py, the embedded PostgreSQL of `make run`, on a real server in a temporary
directory: the portal migrates on it, the data directory is reused (also after a stale postmaster.pid),
and the server stops with the command, on Ctrl-C too."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import psycopg2
import pytest

from alternanza import incorporato

RADICE = Path(__file__).resolve().parents[2]
PY = sys.executable


def _postmaster(dati: Path) -> int:
    return int((dati / "postmaster.pid").read_text().splitlines()[0])


def _fermo(pid: int) -> bool:
    """The process is gone (or only a zombie waiting for an init that does not reap)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.fixture
def dati():
    """A data directory outside pytest's tmp_path: run as root, the server runs as the wheel's own user,
    and every pytest session on the machine makes /tmp/pytest-of-root private again when it starts."""
    cartella = Path(tempfile.mkdtemp(prefix="alternanza-incorporato-"))
    yield cartella / "pgdata"
    if (cartella / "pgdata" / "postmaster.pid").exists():  # a failed test left its server running
        with contextlib.suppress(ProcessLookupError):
            os.kill(_postmaster(cartella / "pgdata"), signal.SIGINT)  # PostgreSQL's fast shutdown
    shutil.rmtree(cartella, ignore_errors=True)


@pytest.fixture
def ambiente_sviluppo(monkeypatch):
    """The environment of `make run`: the real settings with DEBUG on, no Redis, no DATABASE_URL."""
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "alternanza.settings")
    monkeypatch.setenv("DEBUG", "true")
    for nome in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "CELERY_TASK_ALWAYS_EAGER"):
        monkeypatch.delenv(nome, raising=False)


def test_postgresql_incorporato_ha_quello_che_serve_al_portale_e_si_ferma(dati):
    with incorporato.server_incorporato(dati) as url:
        pid = _postmaster(dati)
        assert "host=" in url and url.split("?")[0].endswith("/alternanza")  # Unix socket, no TCP port
        with psycopg2.connect(url) as connessione, connessione.cursor() as cursore:
            cursore.execute("SELECT version(), current_setting('server_version_num')::int")
            versione, numero = cursore.fetchone()
            assert versione.startswith("PostgreSQL") and numero >= 150000
            # The project search: Italian stemming in a websearch query.
            cursore.execute(
                "SELECT to_tsvector('italian', 'Laboratorio di meccanica') "
                "@@ websearch_to_tsquery('italian', 'meccanico')"
            )
            assert cursore.fetchone() == (True,)
            cursore.execute(
                "SELECT name FROM pg_available_extensions WHERE name IN ('unaccent', 'pg_trgm') ORDER BY name"
            )
            assert cursore.fetchall() == [("pg_trgm",), ("unaccent",)]
        connessione.close()
    assert not (dati / "postmaster.pid").exists()  # removed by a clean shutdown only
    assert _fermo(pid)


def test_migra_poi_riusa_i_dati_anche_con_un_postmaster_pid_residuo(dati, ambiente_sviluppo):
    esito = incorporato.main(["--dati", str(dati), "--", PY, "manage.py", "migrate", "--no-input", "-v0"])
    assert esito == 0
    assert not (dati / "postmaster.pid").exists()

    # A server that died without stopping left its postmaster.pid, and its pid now belongs to another
    # live process (after a reboot): the wheel alone would take that process for the server.
    estraneo = subprocess.Popen(["sleep", "60"])
    try:
        righe = [str(estraneo.pid), str(dati), str(int(time.time())), "5432", str(dati), "", "0 0", "ready"]
        (dati / "postmaster.pid").write_text("\n".join(righe) + "\n")
        conta = (
            "import os, psycopg2; c = psycopg2.connect(os.environ['DATABASE_URL']).cursor(); "
            "c.execute(\"SELECT count(*) FROM django_migrations WHERE app = 'alternanza'\"); "
            "raise SystemExit(0 if c.fetchone()[0] > 0 else 3)"
        )
        assert incorporato.main(["--dati", str(dati), "--", PY, "-c", conta]) == 0
    finally:
        estraneo.kill()
        estraneo.wait()
    assert not (dati / "postmaster.pid").exists()


def test_ctrl_c_ferma_il_comando_e_poi_il_server(dati, tmp_path, ambiente_sviluppo):
    pronto = tmp_path / "pronto"
    attesa = f"import pathlib, time; pathlib.Path({str(pronto)!r}).write_text('x'); time.sleep(120)"
    # Through a shell, like `make run`: the shell's child must stop too.
    comando = ["bash", "-c", f'{PY} -c "{attesa}"']
    # As `make run &` from a script starts it: with SIGINT ignored, which the command must not inherit.
    lanciatore = subprocess.Popen(
        [PY, "-m", "alternanza.incorporato", "--dati", str(dati), "--", *comando],
        cwd=RADICE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        fine = time.monotonic() + 30
        while not pronto.exists():
            assert lanciatore.poll() is None and time.monotonic() < fine, "the command did not start"
            time.sleep(0.1)
        pid = _postmaster(dati)
        figli = psutil.Process(lanciatore.pid).children(recursive=True)
        lanciatore.send_signal(signal.SIGINT)
        assert lanciatore.wait(timeout=30) == 128 + signal.SIGINT  # the command died of the signal
    finally:
        if lanciatore.poll() is None:
            lanciatore.kill()
    assert all(_fermo(figlio.pid) for figlio in figli)  # the shell's child too, not only the shell
    assert not (dati / "postmaster.pid").exists()
    assert _fermo(pid)
    assert os.path.isdir(dati / "base")  # the data stay for the next run
