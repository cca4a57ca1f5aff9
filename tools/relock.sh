#!/usr/bin/env bash
# Re-lock the dependency set: resolve pyproject.toml's ranges (the main dependencies and
# the dev extra) to exact versions in requirements.lock, with pip-tools in a throwaway venv.
#
#   bash tools/relock.sh            # newest versions the ranges allow
#   bash tools/relock.sh --keep     # keep today's pins where the ranges still allow them
#
# Then run the tests (`python -m pytest -q` after `pip install -c requirements.lock -e ".[dev]"`
# in a fresh venv): they say whether the newer set works. Commit requirements.lock with them.
set -euo pipefail
cd "$(dirname "$0")/.."
upgrade="--upgrade"
if [ "${1:-}" = "--keep" ]; then upgrade=""; fi
venv="$(mktemp -d "${TMPDIR:-/tmp}/newsqa-relock.XXXXXX")"
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install -q "pip-tools==7.7.0"
# shellcheck disable=SC2086
"$venv/bin/pip-compile" -q $upgrade --extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
  --output-file requirements.lock pyproject.toml
# torch: the lock names the release, not the local '+cpu' build label, so pip picks the CPU
# build where one is offered (this machine's wheel folder) and the plain release elsewhere.
sed -i -E 's/^torch==([0-9.]+)\+cpu$/torch==\1/' requirements.lock
sed -i '1i # The dependency set CI tested. Install: pip install -c requirements.lock -e ".[dev]"; re-lock: bash tools/relock.sh' requirements.lock
echo "requirements.lock written: $(grep -c '==' requirements.lock) pins"
