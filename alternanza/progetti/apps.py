from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgettiConfig(AppConfig):
    name = "alternanza.progetti"
    # The label of the first release: table names, migration history and content types stay as they are.
    label = "alternanza"
    verbose_name = _("Progetti di alternanza e azioni di rete")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alternanza.core.demo import registra_demo

        registra_demo("alternanza.progetti.demo.carica")
        from alternanza.core.sezioni import registra_sezione, registra_sezione_di
        from alternanza.progetti import signals  # noqa: F401 - connects the cache invalidation receivers
        from alternanza.progetti.cache import AREA as AREA_PROGETTI
        from alternanza.progetti.sezioni import (
            progetti_del_distretto,
            progetti_dell_organizzazione,
            progetti_della_scuola,
        )

        # The district's page lists its latest showcased projects.
        registra_sezione(progetti_del_distretto, aree=(AREA_PROGETTI,))
        # The school's and the organisation's pages list their published projects.
        registra_sezione_di("scuola", progetti_della_scuola, aree=(AREA_PROGETTI,))
        registra_sezione_di("organizzazione", progetti_dell_organizzazione, aree=(AREA_PROGETTI,))
