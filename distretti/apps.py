from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrettiConfig(AppConfig):
    name = "distretti"
    verbose_name = _("Territorio: distretti, comuni e scuole")

    def ready(self):
        from alternanza.core.demo import registra_demo

        registra_demo("distretti.demo.carica")
        from distretti import signals

        signals.collega()  # changes to the territory make its cached public pages stale
        from alternanza.core import importazioni
        from distretti.importazione_studenti import importa_caricati

        importazioni.registra(
            "anagrafe_scuole",
            _("anagrafe scuole"),
            importa_caricati,
            "distretti:importa",
            modello_riepilogo="distretti/esito_importazione.html",
        )
