#!/usr/bin/env bash
# Start the action server and Rasa (REST + socket.io), or the terminal chat with `shell`.
# Used by `make run` and `make shell`; stops the action server when Rasa stops.
set -euo pipefail
cd "$(dirname "$0")/.."
ACTIONS_PORT=${ACTIONS_PORT:-5055}
RASA_PORT=${RASA_PORT:-5005}
export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://localhost:${ACTIONS_PORT}/webhook}
export TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
mkdir -p logs
.venv/bin/rasa run actions --port "$ACTIONS_PORT" --actions actions > logs/actions.log 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null || true' EXIT
for _ in $(seq 60); do
  curl -fs "http://localhost:${ACTIONS_PORT}/health" >/dev/null 2>&1 && break
  sleep 1
done
# Messenger channels (Telegram, Facebook) only when their secrets are set; see README.
.venv/bin/python scripts/credentials.py build/credentials.yml
if [ "${1:-}" = shell ]; then
  .venv/bin/rasa shell --model models --endpoints endpoints.yml
  exit
fi
cat <<MSG
Der Bot startet. Sobald "Rasa server is up and running" erscheint:
  REST:      curl -s localhost:${RASA_PORT}/webhooks/rest/webhook -d '{"sender":"a","message":"Hallo"}'
  Widget:    http://localhost:${RASA_PORT}/webhooks/widget/demo.html  (Demo-Seite mit Chat-Widget)
  Aktionen:  http://localhost:${ACTIONS_PORT}/health  (Log: logs/actions.log)
Beenden mit Strg+C.
MSG
.venv/bin/rasa run --model models --endpoints endpoints.yml --credentials build/credentials.yml \
  --port "$RASA_PORT" --cors "http://localhost:${RASA_PORT}"
