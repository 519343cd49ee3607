from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlternanzaConfig(AppConfig):
    name = "alternanza"
    verbose_name = _("Alternanza: progetti e azioni di rete")
