#!/usr/bin/env bash
# Start a real `chroma run` server for the client-server tests and export its URL.
#
#   source .ci/start-chroma.sh     # exports NEWSQA_TEST_CHROMA_URL, stops the server on exit
#   bash .ci/start-chroma.sh       # prints NEWSQA_TEST_CHROMA_URL=...; the server keeps running
#
# The data lives in a temporary folder removed when the server stops. Without the
# `chroma` command nothing is started and the server tests start their own or skip.

_newsqa_chroma_start() {
  if ! command -v chroma >/dev/null 2>&1; then
    echo "start-chroma: the chroma command is missing; server tests will skip" >&2
    return 0
  fi
  local dir port url i
  dir="$(mktemp -d "${TMPDIR:-/tmp}/newsqa-chroma.XXXXXX")"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  url="http://127.0.0.1:${port}"
  chroma run --path "$dir/data" --host 127.0.0.1 --port "$port" >"$dir/server.log" 2>&1 &
  NEWSQA_CHROMA_PID=$!
  NEWSQA_CHROMA_DIR="$dir"
  for i in $(seq 1 120); do
    if python3 - "$url" <<'PY' 2>/dev/null; then
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/api/v2/heartbeat", timeout=1).read()
PY
      export NEWSQA_TEST_CHROMA_URL="$url"
      echo "NEWSQA_TEST_CHROMA_URL=$url"
      return 0
    fi
    if ! kill -0 "$NEWSQA_CHROMA_PID" 2>/dev/null; then
      echo "start-chroma: the server exited; its log:" >&2
      cat "$dir/server.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "start-chroma: no heartbeat from $url after 60 s" >&2
  return 1
}

_newsqa_chroma_stop() {
  if [ -n "${NEWSQA_CHROMA_PID:-}" ]; then
    kill "$NEWSQA_CHROMA_PID" 2>/dev/null || true
    wait "$NEWSQA_CHROMA_PID" 2>/dev/null || true
  fi
  if [ -n "${NEWSQA_CHROMA_DIR:-}" ]; then
    rm -rf "$NEWSQA_CHROMA_DIR"
  fi
}

_newsqa_chroma_start
if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # sourced: stop the server when the calling script exits
  trap _newsqa_chroma_stop EXIT
fi
