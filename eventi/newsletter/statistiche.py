"""How an issue did: delivered, failed (with the SMTP reasons), bounced, unsubscribed because of it."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef

from .models import Consegna, Numero, StatoConsegna

MOTIVI_MOSTRATI = 10


def disiscritti_per(numero: Numero) -> int:
    """Recipients who left after receiving this issue and before receiving any later one: the issue
    is the last thing they read from the newsletter (the unsubscribe link does not name the issue)."""
    successiva = Consegna.objects.filter(
        iscritto_id=OuterRef("iscritto_id"),
        stato=StatoConsegna.INVIATA,
        inviata_il__gt=OuterRef("inviata_il"),
        inviata_il__lte=OuterRef("iscritto__disiscritto_il"),
    )
    return (
        numero.consegne.filter(stato=StatoConsegna.INVIATA, iscritto__disiscritto_il__gte=F("inviata_il"))
        .exclude(Exists(successiva))
        .count()
    )


def resoconto(numero: Numero) -> dict:
    """The figures of the issue's page after (or during) the send: a few aggregate queries."""
    fallite = numero.consegne.filter(
        stato__in=[StatoConsegna.ERRORE_PERMANENTE, StatoConsegna.ERRORE_TEMPORANEO]
    ).exclude(errore="")
    motivi = list(
        fallite.order_by().values("errore").annotate(n=Count("pk")).order_by("-n", "errore")[:MOTIVI_MOSTRATI]
    )
    rimbalzi = dict(
        numero.consegne.exclude(rimbalzo="")
        .order_by()
        .values("rimbalzo")
        .annotate(n=Count("pk"))
        .values_list("rimbalzo", "n")
    )
    return {
        "motivi": motivi,
        "rimbalzi_permanenti": rimbalzi.get("hard", 0),
        "rimbalzi_temporanei": rimbalzi.get("soft", 0),
        "disiscritti": disiscritti_per(numero),
    }
