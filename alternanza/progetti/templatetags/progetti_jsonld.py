"""{% jsonld_progetto progetto %}: the schema.org data of a project page (alternanza.progetti.schema)."""

from django import template
from django.utils.safestring import SafeString

from alternanza.core.jsonld import script_jsonld
from alternanza.progetti.schema import dati_progetto

register = template.Library()


@register.simple_tag
def jsonld_progetto(progetto) -> SafeString:
    return script_jsonld(dati_progetto(progetto))
