"""Move the private files written before the private storage existed out of the public media."""

from django.core.management.base import BaseCommand

from alternanza.core.archivi import sposta_file_privati


class Command(BaseCommand):
    help = (
        "Sposta i file privati (convenzioni, DVR, accordi, documenti, report) dai media pubblici allo "
        "storage privato, con nomi casuali. Idempotente: eseguilo dopo ogni migrate."
    )

    def handle(self, *args, **options):
        spostati = sposta_file_privati()
        if options["verbosity"]:
            self.stdout.write(f"File privati spostati: {spostati}")
