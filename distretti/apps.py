from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrettiConfig(AppConfig):
    name = "distretti"
    verbose_name = _("Territorio: distretti, comuni e scuole")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from distretti import cache
        from distretti.models import Comune, Distretto, Scuola, ScuolaNome

        # Any change shown by the public territory pages makes their cached content stale.
        for modello in (Distretto, Comune, Scuola, ScuolaNome):
            post_save.connect(
                cache.invalida, sender=modello, dispatch_uid=f"distretti-cache-{modello.__name__}"
            )
            post_delete.connect(
                cache.invalida, sender=modello, dispatch_uid=f"distretti-cache-d-{modello.__name__}"
            )
