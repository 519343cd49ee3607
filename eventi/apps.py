from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventiConfig(AppConfig):
    name = "eventi"
    verbose_name = _("Festival, eventi, notizie e newsletter")

    def ready(self):
        from alternanza.core.demo import registra_demo

        registra_demo("eventi.demo.carica")
        from alternanza.core.sezioni import registra_sezione, registra_sezione_di
        from eventi.cache import AREA as AREA_FESTIVAL
        from eventi.sezioni import eventi_del_distretto, eventi_dell_organizzazione, eventi_della_scuola
        from eventi.signals import collega

        collega()
        # The district's page lists its next events.
        registra_sezione(eventi_del_distretto, aree=(AREA_FESTIVAL,))
        registra_sezione_di("scuola", eventi_della_scuola, aree=(AREA_FESTIVAL,))
        registra_sezione_di("organizzazione", eventi_dell_organizzazione, aree=(AREA_FESTIVAL,))
