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
