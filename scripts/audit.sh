#!/usr/bin/env bash
# `make audit`: pip-audit (pinned, in its own venv build/audit-venv) against requirements.lock.
# pip-audit needs a vulnerability database on the network (OSV, else PyPI's JSON API). Where
# neither answers, it cannot audit anything; that is reported as a failure, never as "clean".
set -uo pipefail
cd "$(dirname "$0")/.."
pip_audit=build/audit-venv/bin/pip-audit
mkdir -p results
status=1
for service in osv pypi; do
  "$pip_audit" -r requirements.lock --no-deps --disable-pip --strict --progress-spinner off \
    --vulnerability-service "$service" > results/audit.txt 2>&1
  status=$?
  grep -qiE "could not be audited|Connection|Max retries|timed out|NameResolution" results/audit.txt || break
  echo "pip-audit: vulnerability service '$service' not reachable from this machine." >&2
  status=3
done
cat results/audit.txt | tail -40
if [ "$status" = 3 ]; then
  cat >&2 <<'MSG'

AUDIT NICHT DURCHGEFÜHRT: weder OSV (api.osv.dev) noch die JSON-API von PyPI sind von hier
erreichbar, daher konnte pip-audit kein Paket prüfen. Bitte `make audit` auf einem Rechner
mit Internetzugang wiederholen. Bekannte Hinweise zu den gepinnten Versionen: docs/sicherheit.md,
Abschnitt "Bekannte Sicherheitshinweise zu den gepinnten Versionen".
MSG
fi
exit "$status"
