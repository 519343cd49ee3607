"""Requests the portal refuses before any view reads them.

A path or a query string with control characters (NUL above all: PostgreSQL refuses it in any text, so a
`?distretto=%00` would reach the database and fail there) is not a request a browser sends from a link or a
form; it answers 400 through the portal's 400 page, with one line in the security log.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote_plus

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

# C0 controls and DEL. Tab, CR and LF are refused too: no link or GET form of the portal carries them.
CONTROLLO = re.compile(r"[\x00-\x1f\x7f]")


def ha_caratteri_di_controllo(request: HttpRequest) -> bool:
    """Whether the decoded path or query string holds a control character."""
    if CONTROLLO.search(request.path):
        return True
    query = request.META.get("QUERY_STRING", "")
    return bool(query) and bool(CONTROLLO.search(unquote_plus(query, errors="replace")))


class RichiesteMalformateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if ha_caratteri_di_controllo(request):
            # Django turns BadRequest into handler400's page and logs it on django.security.
            raise BadRequest("control character in the path or the query string")
        return self.get_response(request)
