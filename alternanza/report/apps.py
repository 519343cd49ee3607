from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportConfig(AppConfig):
    name = "alternanza.report"
    label = "report"
    verbose_name = _("Report per gli organi di governance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alternanza.core.demo import registra_demo

        registra_demo("alternanza.report.demo.carica")
