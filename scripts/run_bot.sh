#!/usr/bin/env bash
# Start the action server and Rasa (REST + socket.io), or the terminal chat with `shell`.
# Used by `make run` and `make shell`; stops the action server when Rasa stops.
# `run_bot.sh actions` / `run_bot.sh server` start only one of the two (Docker, compose.yml).
set -euo pipefail
cd "$(dirname "$0")/.."
ACTIONS_PORT=${ACTIONS_PORT:-5055}
RASA_PORT=${RASA_PORT:-5005}
export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://localhost:${ACTIONS_PORT}/webhook}
export TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
# No usage telemetry to Rasa (docs/datenschutz.md).
export RASA_TELEMETRY_ENABLED=false
# Conversations go to var/conversations.db unless DB_DIALECT=postgresql etc. are set (docs/betrieb.md).
# Logs at INFO carry no message text; DEBUG would, so never use --debug in production.
export LOG_LEVEL=${LOG_LEVEL:-INFO}
# LOG_FORMAT=json: one JSON object per log line (ops/logging-json.yml; set in the Docker image).
logcfg=() actions_logcfg=()
if [ "${LOG_FORMAT:-}" = json ]; then
  # Rasa reads the file before it puts the project folder on sys.path, hence PYTHONPATH.
  export FORCE_JSON_LOGGING=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
  logcfg=(--logging-config-file ops/logging-json.yml)
  actions_logcfg=(--logging-config_file ops/logging-json.yml)  # rasa_sdk's spelling
fi
mode=${1:-all}
# Shared secret of Rasa and the action server (actions/server.py, endpoints.yml). When both
# start here, a new random one each time; in compose/Kubernetes set the same value for both.
if [ "$mode" = all ] || [ "$mode" = shell ]; then
  export ACTION_SERVER_TOKEN=${ACTION_SERVER_TOKEN:-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}
else
  export ACTION_SERVER_TOKEN=${ACTION_SERVER_TOKEN:-}
fi
# The action server listens on loopback only (rasa_sdk 3.6 has no --interface option; it reads
# SANIC_HOST). In a container ACTIONS_HOST=0.0.0.0 exposes it on the private network only.
export SANIC_HOST=${ACTIONS_HOST:-127.0.0.1}
if [ "$mode" = actions ]; then
  exec .venv/bin/python -m actions.server --port "$ACTIONS_PORT" --actions actions "${actions_logcfg[@]}"
fi
if [ "$mode" != server ]; then
  mkdir -p logs
  .venv/bin/python -m actions.server --port "$ACTIONS_PORT" --actions actions "${actions_logcfg[@]}" \
    > logs/actions.log 2>&1 &
  actions_pid=$!
  trap 'kill $actions_pid 2>/dev/null || true' EXIT
  for _ in $(seq 60); do
    curl -fs "http://localhost:${ACTIONS_PORT}/health" >/dev/null 2>&1 && break
    sleep 1
  done
fi
unset SANIC_HOST
# Messenger channels (Telegram, Facebook) only when their secrets are set; see docs/betrieb.md.
.venv/bin/python -m scripts.credentials build/credentials.yml
if [ "$mode" = shell ]; then
  .venv/bin/python -m rasa_internals shell --model models --endpoints endpoints.yml
  exit
fi
[ "$mode" = server ] || cat <<MSG
Der Bot startet. Sobald "Rasa server is up and running" erscheint:
  REST:      curl -s localhost:${RASA_PORT}/webhooks/rest/webhook -d '{"sender":"a","message":"Hallo"}'
  Widget:    http://localhost:${RASA_PORT}/webhooks/widget/demo.html  (Demo-Seite mit Chat-Widget)
  Aktionen:  http://localhost:${ACTIONS_PORT}/health  (Log: logs/actions.log)
  Zustand:   http://localhost:${RASA_PORT}/webhooks/health/  (Modell, Aktionen, Datenbank)
Beenden mit Strg+C.
MSG
# Rasa's HTTP API stays off unless a token (RASA_TOKEN) or JWT secret (RASA_JWT_SECRET) is set;
# it is never open. CORS only for CORS_ORIGINS (space-separated). Requests above 1 MB are refused.
api=()
if [ -n "${RASA_TOKEN:-}" ]; then api=(--enable-api --auth-token "$RASA_TOKEN")
elif [ -n "${RASA_JWT_SECRET:-}" ]; then api=(--enable-api --jwt-secret "$RASA_JWT_SECRET" --jwt-method HS256)
fi
read -r -a cors <<< "${CORS_ORIGINS:-http://localhost:${RASA_PORT}}"
export SANIC_REQUEST_MAX_SIZE=${SANIC_REQUEST_MAX_SIZE:-1048576}
[ "$mode" = server ] && exec=exec || exec=
# rasa_internals: Rasa with its performance patches (RASA_PATCHES, docs/einstellungen.md).
$exec .venv/bin/python -m rasa_internals run --model models --endpoints endpoints.yml --credentials build/credentials.yml \
  --port "$RASA_PORT" --cors "${cors[@]}" "${api[@]}" "${logcfg[@]}"
