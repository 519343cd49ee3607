"""Any change to public Festival content bumps the cache version (see eventi.cache)."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from eventi.cache import invalida


def collega() -> None:
    from eventi.models import DataEvento, Edizione, Evento, Notizia

    for modello in (Edizione, Evento, DataEvento, Notizia):
        post_save.connect(invalida, sender=modello, dispatch_uid=f"eventi-cache-save-{modello.__name__}")
        post_delete.connect(invalida, sender=modello, dispatch_uid=f"eventi-cache-del-{modello.__name__}")
    for relazione in (Evento.pubblici, Evento.scuole, Evento.organizzazioni, Evento.ambiti):
        m2m_changed.connect(
            invalida, sender=relazione.through, dispatch_uid=f"eventi-cache-m2m-{relazione.field.name}"
        )
