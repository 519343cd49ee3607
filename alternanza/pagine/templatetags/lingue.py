"""The language switcher's targets: the current page in another language.

Django's set_language translates its `next` URL only when it resolves in the language active during
*that* request, which for the unprefixed /i18n/setlang/ is always Italian: "/en/contatti/" would never
go back to "/contatti/". So each button carries the already translated URL of the current page.
"""

from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def pagina_in_lingua(context, lingua: str) -> str:
    """`{% pagina_in_lingua "en" as url %}`: the current page (with its query string) in `lingua`."""
    request = context.get("request")
    if request is None:
        return "/"
    return translate_url(request.get_full_path(), lingua)
