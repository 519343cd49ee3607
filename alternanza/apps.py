from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlternanzaConfig(AppConfig):
    name = "alternanza"
    verbose_name = _("Alternanza: progetti e azioni di rete")

    def ready(self):
        from alternanza.progetti import segnali  # noqa: F401 - connects the cache invalidation receivers
        from alternanza.progetti.cache import AREA as AREA_PROGETTI
        from alternanza.progetti.sezioni import progetti_del_distretto
        from distretti.sezioni import registra_sezione

        # The district's page lists its latest showcased projects.
        registra_sezione(progetti_del_distretto, aree=(AREA_PROGETTI,))
