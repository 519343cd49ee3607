"""The outbox dispatcher: the messages kept while the broker was down go out when it is back."""

from __future__ import annotations

from celery import shared_task

from alternanza.core import compiti


@shared_task(name="core.spedisci_in_attesa", ignore_result=True)
def spedisci_in_attesa() -> int:
    return compiti.spedisci_in_attesa()


@shared_task(name="core.esegui_importazione", ignore_result=True, acks_late=True)
def esegui_importazione(importazione_id: int) -> str:
    """One file import (alternanza.core.importazioni.esegui): never retried, its failures are the file's."""
    from alternanza.core import importazioni

    return importazioni.esegui(importazione_id)
