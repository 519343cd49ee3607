"""Refresh the SPID identity providers from the AgID registry (settings.SPID_REGISTRO_URL) or a file."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from alternanza.spid import registro


class Command(BaseCommand):
    help = "Aggiorna l'elenco degli identity provider SPID dal registro AgID (o da un file --file)."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="metadata aggregati da un file locale invece che dall'URL")
        parser.add_argument("--url", default=None, help="URL del registro (default: SPID_REGISTRO_URL)")

    def handle(self, *args, **opzioni):
        try:
            if opzioni["file"]:
                dati = Path(opzioni["file"]).read_bytes()
            else:
                dati = registro.scarica(opzioni["url"] or settings.SPID_REGISTRO_URL)
            provider = registro.leggi(dati)
        except (OSError, registro.RegistroNonValido) as exc:
            raise CommandError(f"Registro SPID non letto: {exc}") from exc
        attivi, spenti = registro.aggiorna(provider)
        self.stdout.write(f"{attivi} identity provider attivi, {spenti} disattivati.")
