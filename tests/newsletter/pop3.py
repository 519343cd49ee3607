"""A minimal POP3 server (RFC 1939: USER, PASS, STAT, LIST, RETR, DELE, NOOP, QUIT) in a thread of the test
process: the bounce mailbox the provider would fill, for the DSN reader (eventi/newsletter/rimbalzi.py)."""

from __future__ import annotations

import socketserver
import threading


class _Gestore(socketserver.StreamRequestHandler):
    def _scrivi(self, riga: bytes) -> None:
        self.wfile.write(riga + b"\r\n")

    def handle(self):
        casella = self.server.casella
        cancellati: set[int] = set()
        self._scrivi(b"+OK POP3 di prova")
        for grezza in self.rfile:
            comando, _spazio, argomento = grezza.strip().decode().partition(" ")
            comando = comando.upper()
            if comando in ("USER", "NOOP"):
                self._scrivi(b"+OK")
            elif comando == "PASS":
                self._scrivi(b"+OK" if argomento == casella.password else b"-ERR password")
            elif comando == "STAT":
                self._scrivi(f"+OK {len(casella.messaggi)} {sum(map(len, casella.messaggi))}".encode())
            elif comando == "LIST":
                self._scrivi(b"+OK")
                for i, m in enumerate(casella.messaggi, 1):
                    self._scrivi(f"{i} {len(m)}".encode())
                self._scrivi(b".")
            elif comando == "RETR":
                self._scrivi(b"+OK")
                for riga in casella.messaggi[int(argomento) - 1].splitlines():
                    self._scrivi(b"." + riga if riga.startswith(b".") else riga)
                self._scrivi(b".")
            elif comando == "DELE":
                cancellati.add(int(argomento))
                self._scrivi(b"+OK")
            elif comando == "QUIT":
                casella.messaggi = [m for i, m in enumerate(casella.messaggi, 1) if i not in cancellati]
                self._scrivi(b"+OK")
                return
            else:
                self._scrivi(b"-ERR")


class CasellaPop3:
    """`with CasellaPop3([dsn_bytes]) as casella:` → casella.porta; casella.messaggi after the QUIT."""

    def __init__(self, messaggi: list[bytes], password: str = "segreta"):  # noqa: S107 - a test mailbox
        self.messaggi = list(messaggi)
        self.password = password
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Gestore)
        self._server.casella = self
        self.porta = self._server.server_address[1]

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
