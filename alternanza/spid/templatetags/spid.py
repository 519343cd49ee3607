"""{% pulsante_spid %}: the "Entra con SPID" and "Entra con CIE" buttons of the login and signup pages;
{% collega_spid %}: the profile's section. Both render nothing unless SPID is configured; CIE appears only
when it is configured too."""

from __future__ import annotations

from django import template
from django.conf import settings

from alternanza.spid.models import IdentitaSpid, ProviderSpid

register = template.Library()

# alternanza.spid.saml is imported inside the tags, when SPID is on: Django's template engine imports every
# tag library when it starts, and pysaml2 takes ≈0.7 s to import, so each process's first rendered
# template (a web worker's first page, a Celery worker's first PDF report) paid for SAML it did not use.


@register.inclusion_tag("spid/_pulsante.html", takes_context=True)
def pulsante_spid(context):
    if not settings.SPID_ATTIVO:
        return {"attivo": False}
    from alternanza.spid import saml

    request = context.get("request")
    prossima = request.GET.get("next", "") if request is not None else ""
    return {
        "attivo": True,
        "provider": list(ProviderSpid.objects.filter(attivo=True).only("entity_id", "nome")),
        "cie": saml.provider_cie(),
        "next": prossima,
    }


@register.inclusion_tag("spid/_profilo.html", takes_context=True)
def collega_spid(context):
    if not settings.SPID_ATTIVO:
        return {"attivo": False}
    from alternanza.spid import saml

    request = context["request"]
    identita = IdentitaSpid.objects.filter(utente=request.user).first()
    cie = saml.provider_cie()
    return {
        "attivo": True,
        "identita": identita,
        "provider": []
        if identita
        else [
            *([cie] if cie else []),
            *ProviderSpid.objects.filter(attivo=True).only("entity_id", "nome"),
        ],
        "cie": cie,
        "csrf_token": context.get("csrf_token"),
    }
