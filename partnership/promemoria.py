"""Reminders before a school–organisation convenzione expires: who gets them, and the one-time send.

partnership.tasks runs these on a schedule (beat) and per convenzione; this module imports the tasks at
the top to enqueue, the tasks import it inside their body.
"""

from __future__ import annotations

import datetime
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alternanza.core.email import LINGUA_UTENTE, invia_modello
from distretti.models import Incarico, StatoIncarico
from partnership.models import Convenzione, ReferenteOrganizzazione
from partnership.tasks import GIORNI_PREAVVISO, invia_promemoria_convenzione

logger = logging.getLogger(__name__)


def accoda_promemoria(giorni: int = GIORNI_PREAVVISO) -> int:
    """Enqueue one reminder per convenzione expiring within `giorni` days and not yet reminded.

    A window (not an exact day) so a missed beat run does not lose reminders; the per-convenzione
    task is idempotent, so running this twice sends nothing twice.
    """
    oggi = timezone.localdate()
    ids = list(
        Convenzione.objects.filter(
            scadenza__gte=oggi,
            scadenza__lte=oggi + datetime.timedelta(days=giorni),
            promemoria_inviato_il__isnull=True,
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        transaction.on_commit(partial(invia_promemoria_convenzione.delay, pk))
    return len(ids)


def destinatari(convenzione: Convenzione) -> list[tuple[str, str | None]]:
    """School coordinators, organisation contacts and the district office, without duplicates, each
    with their preferred language (None for the addresses of schools, organisations and offices)."""
    scuola = convenzione.scuola
    distretto_id = scuola.comune.distretto_id
    campi = ("utente__email", f"utente__{LINGUA_UTENTE}")
    indirizzi: list[tuple[str, str | None]] = []
    indirizzi += Incarico.objects.filter(
        ruolo=Incarico.Ruolo.REFERENTE_SCUOLA, scuola=scuola, stato=StatoIncarico.APPROVATO
    ).values_list(*campi)
    if not indirizzi and scuola.email:
        indirizzi.append((scuola.email, None))
    indirizzi += ReferenteOrganizzazione.objects.filter(
        organizzazione=convenzione.organizzazione, stato=StatoIncarico.APPROVATO
    ).values_list(*campi)
    indirizzi.append((convenzione.organizzazione.contatto_email, None))
    indirizzi.append((scuola.comune.distretto.ufficio_email, None))
    indirizzi += Incarico.objects.filter(
        ruolo=Incarico.Ruolo.UFFICIO_DISTRETTO, distretto_id=distretto_id, stato=StatoIncarico.APPROVATO
    ).values_list(*campi)
    visti, unici = set(), []
    for indirizzo, lingua in indirizzi:
        chiave = (indirizzo or "").strip().lower()
        if chiave and chiave not in visti:
            visti.add(chiave)
            unici.append((indirizzo.strip(), lingua))
    return unici


def invia_promemoria(convenzione_id: int) -> int:
    """Send the expiry reminder of one convenzione once: the row lock and the timestamp make it idempotent."""
    with transaction.atomic():
        convenzione = (
            Convenzione.objects.select_for_update(of=("self",))
            .select_related("scuola__comune__distretto", "organizzazione")
            .filter(pk=convenzione_id)
            .first()
        )
        if convenzione is None or convenzione.promemoria_inviato_il is not None:
            return 0
        indirizzi = destinatari(convenzione)
        contesto = {
            "c": convenzione,
            "giorni": (convenzione.scadenza - timezone.localdate()).days,
            "url": settings.SITE_URL + convenzione.get_absolute_url(),
        }
        inviati = invia_modello("partnership/email/promemoria", indirizzi, contesto, settings.LANGUAGE_CODE)
        convenzione.promemoria_inviato_il = timezone.now()
        convenzione.save(update_fields=["promemoria_inviato_il"])
    logger.info("Expiry reminder of convenzione %s sent to %d addresses", convenzione_id, inviati)
    return inviati
