from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = _("Rete: organizzazioni, accordi e partnership")

    def ready(self):
        from alternanza.core.demo import registra_demo

        registra_demo("partnership.demo.carica")
        from alternanza.core import importazioni
        from partnership.importazione import importa_file

        importazioni.registra(
            "organizzazioni", _("organizzazioni"), importa_file, "partnership:importa_organizzazioni"
        )
        from alternanza.core.sezioni import registra_sezione, registra_sezione_di
        from partnership import signals  # connects the receivers that bump the cache area
        from partnership.sezioni import partnership_del_distretto, partnership_della_scuola

        # The district's page lists its latest public partnerships.
        registra_sezione(partnership_del_distretto, aree=(signals.AREA,))
        registra_sezione_di("scuola", partnership_della_scuola, aree=(signals.AREA,))
