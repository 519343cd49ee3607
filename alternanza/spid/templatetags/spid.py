"""{% pulsante_spid %}: the "Entra con SPID" button of the login and signup pages; {% collega_spid %}: the
profile's section. Both render nothing unless SPID is configured."""

from __future__ import annotations

from django import template
from django.conf import settings

from alternanza.spid.models import IdentitaSpid, ProviderSpid

register = template.Library()


@register.inclusion_tag("spid/_pulsante.html", takes_context=True)
def pulsante_spid(context):
    if not settings.SPID_ATTIVO:
        return {"attivo": False}
    request = context.get("request")
    prossima = request.GET.get("next", "") if request is not None else ""
    return {
        "attivo": True,
        "provider": list(ProviderSpid.objects.filter(attivo=True).only("entity_id", "nome")),
        "next": prossima,
    }


@register.inclusion_tag("spid/_profilo.html", takes_context=True)
def collega_spid(context):
    if not settings.SPID_ATTIVO:
        return {"attivo": False}
    request = context["request"]
    identita = IdentitaSpid.objects.filter(utente=request.user).first()
    return {
        "attivo": True,
        "identita": identita,
        "provider": []
        if identita
        else list(ProviderSpid.objects.filter(attivo=True).only("entity_id", "nome")),
        "csrf_token": context.get("csrf_token"),
    }
