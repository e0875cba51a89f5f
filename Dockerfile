FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
       postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
# production storage (hashed names and a manifest); the key below exists only for this build step
RUN SECRET_KEY=build-only-static-collection-key-never-used-at-runtime-0123456789 ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput -v0 \
    && useradd --system --home /app icr && mkdir -p /srv/icr/media && chown icr /srv/icr/media
USER icr
EXPOSE 8000
# the platform logs every request itself (icr.access, JSON with the request id): gunicorn's access log stays off
CMD ["gunicorn", "icr.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
