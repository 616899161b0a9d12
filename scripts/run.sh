#!/usr/bin/env bash
# Started by `make run`: prepare the embedded database, then run the web site, a Celery worker and
# the beat scheduler together. Ctrl-C (or any of them dying) stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8000}
mkdir -p var/celery/queue var/celery/processed var/media

$PY manage.py migrate --noinput
$PY manage.py load_regions
$PY manage.py seed_demo

pids=()
stop() {
  trap - INT TERM EXIT
  echo "正在停止……"
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/celery -A qidong_care worker --beat --schedule var/celerybeat-schedule \
  --loglevel INFO --concurrency 2 &
pids+=($!)
$PY manage.py runserver "127.0.0.1:${PORT}" &
pids+=($!)

echo "网站：http://127.0.0.1:${PORT}/  （按 Ctrl-C 停止）"
wait -n "${pids[@]}"
