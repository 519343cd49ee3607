"""The portal's URLs plus /_bench/floor: a trivial view through the full middleware stack, the
framework floor every page is compared to, and /media/ served from MEDIA_ROOT, where production has
nginx (deploy/nginx), so that Lighthouse measures the pages with their images."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import path, re_path
from django.views.static import serve

from alternanza.urls import urlpatterns as urlpatterns_portale


def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("_bench/floor", floor, name="bench_floor"),
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *urlpatterns_portale,
]
