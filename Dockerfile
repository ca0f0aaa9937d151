# One image for every role: web (gunicorn), worker, beat, migrate. See docker-compose.yml.
FROM python:3.11-slim

# LibreOffice turns letters into PDF (?format=pdf); build with --build-arg WITH_LIBREOFFICE=0 for a
# much smaller image that serves .docx only (PDF requests then answer 503 with a clear message).
ARG WITH_LIBREOFFICE=1
RUN if [ "$WITH_LIBREOFFICE" = "1" ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-dejavu \
      && rm -rf /var/lib/apt/lists/*; \
    fi

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    APPEALS_ENV=production \
    APPEALS_INSTANCE_PATH=/app/instance

RUN useradd --create-home --uid 10001 appeals
WORKDIR /app
COPY pyproject.toml README.md ./
COPY appeals ./appeals
COPY worker ./worker
RUN pip install . && mkdir -p /app/instance && chown appeals:appeals /app/instance

USER appeals
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", \
     "--access-logfile", "-", "appeals.app:create_app()"]
