from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrettiConfig(AppConfig):
    name = "distretti"
    verbose_name = _("Territorio: distretti, comuni e scuole")

    def ready(self):
        from alternanza.core.demo import registra_demo

        registra_demo("distretti.demo.carica")
        from alternanza.core.cache import collega_invalidazioni

        collega_invalidazioni()  # changes to the territory make its cached public pages stale
