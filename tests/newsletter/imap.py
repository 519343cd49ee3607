"""A real IMAP server for the bounce-mailbox tests: pymap (an IMAP4rev1 server in Python, in-memory
backend) in its own process on a free port of 127.0.0.1, so the DSN reader (eventi/newsletter/rimbalzi.py)
talks IMAP over a socket through imaplib exactly as it does with the provider's server. Messages are
put in and looked at through a second IMAP connection (APPEND, SEARCH), never behind the server's back.
"""

from __future__ import annotations

import imaplib
import socket
import subprocess
import sys
import time

AVVIO_MASSIMO = 15  # seconds for the server to listen


def _porta_libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerImap:
    """`with ServerImap() as server:` → server.porta; server.deposita(cartella, [msg]); server.contenuto()."""

    def __init__(self, utente: str = "rimbalzi", password: str = "segreta"):  # noqa: S107 - a test mailbox
        self.utente, self.password = utente, password
        self.porta = _porta_libera()
        self._processo: subprocess.Popen | None = None

    def __enter__(self) -> ServerImap:
        comando = [
            sys.executable,
            "-c",
            "from pymap.main import main; main()",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.porta),
            "--no-tls",
            "dict",
            "--demo-user",
            self.utente,
            "--demo-password",
            self.password,
        ]
        self._processo = subprocess.Popen(comando, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
        limite = time.monotonic() + AVVIO_MASSIMO
        while True:
            try:
                self._connetti().logout()
                return self
            except OSError:
                if self._processo.poll() is not None or time.monotonic() > limite:
                    errori = (
                        self._processo.stderr.read().decode() if self._processo.poll() is not None else ""
                    )
                    self.__exit__()
                    raise RuntimeError(f"the IMAP server did not start: {errori}") from None
                time.sleep(0.1)

    def __exit__(self, *exc) -> None:
        if self._processo is not None:
            self._processo.terminate()
            self._processo.wait(timeout=10)
            if self._processo.stderr:
                self._processo.stderr.close()

    def _connetti(self) -> imaplib.IMAP4:
        casella = imaplib.IMAP4("127.0.0.1", self.porta, timeout=5)
        casella.login(self.utente, self.password)
        return casella

    def deposita(self, cartella: str, messaggi: list[bytes]) -> None:
        """Deliver messages into a folder (created if missing), as the provider's MTA would."""
        casella = self._connetti()
        try:
            if cartella.upper() != "INBOX":
                casella.create(cartella)
            for messaggio in messaggi:
                stato, _dati = casella.append(cartella, None, None, messaggio)
                assert stato == "OK"
        finally:
            casella.logout()

    def contenuto(self, cartella: str = "INBOX") -> list[bytes]:
        """The messages left in a folder (read-only: nothing is marked as seen)."""
        casella = self._connetti()
        try:
            casella.select(cartella, readonly=True)
            _stato, dati = casella.search(None, "ALL")
            messaggi = []
            for numero in (dati[0] or b"").split():
                _stato, parti = casella.fetch(numero.decode(), "(BODY.PEEK[])")
                messaggi.extend(p[1] for p in parti if isinstance(p, tuple))
            return messaggi
        finally:
            casella.logout()
