"""Settings of the Lighthouse bench's server (bench/lighthouse.py): bench/settings.py plus Django's
GZipMiddleware, standing in for the deployment's nginx, which the bench does not run. nginx compresses
every HTML response (deploy/nginx/nginx.conf: gzip and brotli on), so a phone receives an event page as
about 5.5 KB, not the 23 KB gunicorn sends alone; measuring the uncompressed document would add a delay
no visitor has to the start of every page. Static files need nothing: WhiteNoise already serves its
compressed copies, as nginx does (gzip_static). Not used by bench/run.py: its throughput figures are
the application's, without the cost of compression."""

from bench.settings import *  # noqa: F403

MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware", *MIDDLEWARE]  # noqa: F405
