from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventiConfig(AppConfig):
    name = "eventi"
    verbose_name = _("Festival, eventi, notizie e newsletter")

    def ready(self):
        from eventi.signals import collega

        collega()
