"""The security log: login successes and failures, logouts, refused authorisations.

Every event goes to the logger "alternanza.security" and to the EventoSicurezza table (staff page).
"""

from __future__ import annotations

import logging

from alternanza.core.rete import ip_cliente
from alternanza.utenti.models import EventoSicurezza

logger = logging.getLogger("alternanza.security")


def _ip(request) -> str | None:
    return ip_cliente(request)


def registra(tipo: str, request=None, utente=None, identificativo: str = "", dettaglio: str = "") -> None:
    percorso = request.path[:300] if request is not None else ""
    logger.info(
        "%s user=%s id=%s ip=%s path=%s %s",
        tipo,
        getattr(utente, "pk", None),
        identificativo,
        _ip(request),
        percorso,
        dettaglio,
    )
    EventoSicurezza.objects.create(
        tipo=tipo,
        utente=utente if getattr(utente, "pk", None) else None,
        identificativo=identificativo[:254],
        ip=_ip(request),
        percorso=percorso,
        dettaglio=dettaglio[:300],
    )


def registra_negato(request, stato: int) -> None:
    utente = request.user if request.user.is_authenticated else None
    tipo = EventoSicurezza.Tipo.NEGATO if stato == 403 else EventoSicurezza.Tipo.NON_TROVATO
    registra(tipo, request, utente, identificativo=getattr(utente, "email", ""), dettaglio=request.method)
