# Trixie: its postgresql-client (17) backs up the PostgreSQL 16 of docker-compose.yml.
FROM python:3.11-slim-trixie
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# pg_dump/pg_restore/psql for `manage.py backup` and `restore`; Tesseract (Danish) and
# poppler-utils for the text recognition of scanned bilag (docs/attachments.md).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    tesseract-ocr tesseract-ocr-dan poppler-utils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY config ./config
COPY archive ./archive
COPY core ./core
COPY ingest ./ingest
RUN pip install --no-cache-dir .
COPY . .
RUN DEBUG=0 SECRET_KEY=build DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput -v0
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn config.wsgi -c config/gunicorn.py -b 0.0.0.0:8000"]
