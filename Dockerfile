# Image of the portal: web (gunicorn), Celery workers and beat all run from it (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango/HarfBuzz for WeasyPrint (PDF reports), Cairo for the dashboard charts as PNG (cairosvg), fonts for the PDFs, gettext for the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libcairo2 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 portale
WORKDIR /app

# Dependencies first (cached layer), then the code.
COPY pyproject.toml README.md ./
RUN pip install .
COPY . .

# Static files (hashed names, compressed) and compiled translations are part of the image.
# collectstatic opens no database connection: the build-only DATABASE_URL only satisfies the settings.
RUN DEBUG=false SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" ALLOWED_HOSTS=localhost \
        DATABASE_URL=postgres://build-only@localhost/none python manage.py collectstatic --noinput -v0 \
    && django-admin compilemessages --ignore=.venv -v0 \
    && mkdir -p var/media && chown -R portale:portale var

USER portale
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://localhost:8000/healthz', timeout=4).status != 200)"]
CMD ["gunicorn", "alternanza.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
