"""Write the WebP variants of the public images that lack them (alternanza.core.varianti)."""

from django.core.management.base import BaseCommand

from alternanza.core.varianti import completa_tutte


class Command(BaseCommand):
    help = (
        "Crea le varianti WebP (480, 960 px e dimensione originale) delle immagini di edizioni, eventi, "
        "notizie e foto dei progetti che non le hanno, per esempio dopo il ripristino dei media da un "
        "backup. Idempotente."
    )

    def handle(self, *args, **options):
        fatte = completa_tutte()
        if options["verbosity"]:
            self.stdout.write(f"Immagini con nuove varianti: {fatte}")
