# Image for the ministry's operators: the same code, lock file and start script as the local
# setup (`make run`). NOT BUILT OR TESTED HERE: the development machine has no Docker engine.
# One image, two roles (compose.yml): `scripts/run_bot.sh server` (Rasa) and
# `scripts/run_bot.sh actions` (action server).

# --- the chat widget's only front-end dependency (socket.io-client) from npm -------------
FROM node:20-bookworm-slim AS widget
WORKDIR /app/widget
COPY widget/package.json widget/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# --- Python 3.10 (Rasa 3.6 runs on 3.8-3.10), pinned packages, German spaCy pipeline, model --
FROM python:3.10-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 LOG_LEVEL=INFO LOG_FORMAT=json \
    RASA_TELEMETRY_ENABLED=false
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1001 bot
WORKDIR /app
COPY requirements.lock ./
# The venv sits where the Makefile and scripts/run_bot.sh expect it (.venv).
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir -q -r requirements.lock
COPY scripts/build_spacy_de.py scripts/
RUN wheel=$(.venv/bin/python scripts/build_spacy_de.py --out build/spacy | tail -1) \
    && .venv/bin/pip install --no-cache-dir -q --no-deps "$wheel"
COPY . .
COPY --from=widget /app/widget/node_modules widget/node_modules
# The model is trained here, from the repository's data, with this Rasa version: the server
# only ever loads this model (never one uploaded through the API; see docs/sicherheit.md).
RUN .venv/bin/rasa train --fixed-model-name integrationsbot --out models \
    && rm -rf .rasa/cache \
    && mkdir -p var logs build .rasa reports && chown -R bot:bot var logs build .rasa reports
USER bot
EXPOSE 5005
HEALTHCHECK --interval=30s --timeout=10s --start-period=180s \
    CMD curl -fs http://localhost:5005/webhooks/health/ || exit 1
CMD ["scripts/run_bot.sh", "server"]
