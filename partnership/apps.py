from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = _("Rete: organizzazioni, accordi e partnership")

    def ready(self):
        from partnership import segnali  # noqa: F401 - connects the cache-generation receivers
