"""Models of the portal pages: the anonymous page feedback of the AgID design guidelines."""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from alternanza.core.vincoli import CampiDeiVincoli


class ValutazionePagina(CampiDeiVincoli, models.Model):
    """An anonymous answer to "how clear is this page?" (AgID guidelines). No personal data is kept."""

    class Voto(models.IntegerChoices):
        PER_NIENTE = 1, _("Per niente")
        POCO = 2, _("Poco")
        ABBASTANZA = 3, _("Abbastanza")
        MOLTO = 4, _("Molto")
        DEL_TUTTO = 5, _("Del tutto")

    pagina = models.CharField(_("pagina"), max_length=300, db_index=True)
    voto = models.PositiveSmallIntegerField(_("voto"), choices=Voto.choices)
    creata_il = models.DateTimeField(_("data"), auto_now_add=True)

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "valutazione_voto_1_5": "voto",
    }

    class Meta:
        # The table of the first release, when the model lived in the projects' app (label "alternanza").
        db_table = "alternanza_valutazionepagina"
        ordering = ["-creata_il"]
        verbose_name = _("valutazione di pagina")
        verbose_name_plural = _("valutazioni delle pagine")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(voto__gte=1, voto__lte=5),
                name="valutazione_voto_1_5",
                violation_error_code="valutazione_voto_1_5",
                violation_error_message=_("Scegli un voto da 1 a 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pagina}: {self.voto}"
