from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "eventi.newsletter"
    label = "newsletter"
    verbose_name = _("Newsletter")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alternanza.core.demo import registra_demo

        from . import controlli  # noqa: F401 - registers the system checks

        registra_demo("eventi.newsletter.demo.carica")
        from alternanza.core import importazioni

        from .trasferimento import importa_caricato

        importazioni.registra(
            "iscritti_newsletter",
            _("iscritti alla newsletter"),
            importa_caricato,
            "newsletter:iscritti_importa",
            modello_riepilogo="newsletter/gestione/esito_importazione.html",
        )
