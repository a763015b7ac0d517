#!/bin/sh
# The image's entry point: `aspect-stream <service>` runs one service or one-shot command.
# exec, so the service is the process tini signals: SIGTERM reaches it and it drains.
set -eu
run() { exec node --import /app/image/resolve.mjs "/app/$1" ; }
case "${1:-help}" in
  collector) run producers/http/main.js ;;
  processor) run stream-processors/absa/main.js ;;
  sink-postgres) run sinks/postgres/main.js ;;
  sink-elasticsearch) run sinks/elasticsearch/main.js ;;
  api) run api/main.js ;;
  alerts) run stream-processors/alerts/main.js ;;
  migrate) run common/postgres/main.js ;;
  topics) run schemas/main.js ;;
  es-setup) run sinks/elasticsearch/setup-cli.js ;;
  reprocess) shift; exec node --import /app/image/resolve.mjs /app/stream-processors/absa/reprocess.js "$@" ;;
  apikey) shift; exec node --import /app/image/resolve.mjs /app/common/apikeys/main.js "$@" ;;
  dlq) shift; exec node --import /app/image/resolve.mjs /app/common/kafka/dead-letters/main.js "$@" ;;
  *)
    echo "usage: aspect-stream collector|processor|sink-postgres|sink-elasticsearch|api|alerts|migrate|topics|es-setup|reprocess ...|apikey ...|dlq <list|show|redrive> ..." >&2
    exit 2 ;;
esac
