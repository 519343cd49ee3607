"""The organisations autocomplete (alternanza.core.scelta): the organisations visible to the user."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse

from alternanza.core.scelta import risposta_json
from partnership.models import Organizzazione
from partnership.scelta import ORGANIZZAZIONI


@login_required
def cerca_organizzazioni(request: HttpRequest) -> JsonResponse:
    return risposta_json(request, ORGANIZZAZIONI, Organizzazione.objects.sceglibili_da(request.user))
