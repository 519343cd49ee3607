"""A local SMTP sink for the newsletter tests (aiosmtpd in a thread of the test process).

It counts the messages each recipient received (so it survives the kill of a worker process) and can
answer chosen recipients with a given SMTP code (e.g. "550 5.1.1 ..." permanent, "451 4.2.0 ..." temporary).
"""

from __future__ import annotations

import socket
import threading
from collections import Counter
from email import message_from_bytes

from aiosmtpd.controller import Controller


def porta_libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gestore:
    def __init__(self):
        self.ricevuti: Counter[str] = Counter()
        self.messaggi: list = []
        self.rifiuta: dict[str, str] = {}
        self.tieni_messaggi = True
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        codice = self.rifiuta.get(address.lower())
        if codice:
            return codice
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            for destinatario in envelope.rcpt_tos:
                self.ricevuti[destinatario.lower()] += 1
            if self.tieni_messaggi:
                self.messaggi.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    @property
    def totale(self) -> int:
        with self._lock:
            return sum(self.ricevuti.values())


class Pozzo:
    """Context manager: `with Pozzo() as pozzo:` → pozzo.porta, pozzo.gestore."""

    def __init__(self, tieni_messaggi: bool = True):
        self.gestore = Gestore()
        self.gestore.tieni_messaggi = tieni_messaggi
        self.porta = porta_libera()
        self._controller = Controller(self.gestore, hostname="127.0.0.1", port=self.porta)

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self._controller.stop()
