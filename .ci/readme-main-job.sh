#!/usr/bin/env bash
# Run the README's "Install and run the main job" command exactly as written, in a fresh
# clone of this repository (committed files only) and a fresh venv, as a new user would.
# Fails when the command fails, prints an internal error, or gives no answer.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

# The first ```bash block after the "Install and run the main job" heading.
cmd="$(python3 - "$repo/README.md" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"\*\*Install and run the main job\*\*.*?```bash\n(.*?)\n```", text, re.S)
if not m:
    sys.exit("README.md has no 'Install and run the main job' bash block")
print(m.group(1).strip())
PY
)"

work="$(mktemp -d "${TMPDIR:-/tmp}/newsqa-readme.XXXXXX")"
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/newsqa"
cd "$work/newsqa"
echo "readme-main-job: running in a fresh clone: $cmd" >&2
set +e
env -u VIRTUAL_ENV -u NEWSQA_HOME -u NEWSQA_CHROMA_URL PATH="$(echo "$PATH" | tr ':' '\n' | grep -v "$repo/.venv" | paste -sd:)" \
  bash -c "$cmd" >"$work/out.txt" 2>"$work/err.txt"
rc=$?
set -e
tail -n 15 "$work/out.txt"
if [ "$rc" -ne 0 ] || grep -q "internal error" "$work/err.txt" "$work/out.txt"; then
  echo "readme-main-job: the README's main-job command failed (exit $rc); its stderr:" >&2
  tail -n 40 "$work/err.txt" >&2
  exit 1
fi
if ! grep -q "^Sources:" "$work/out.txt"; then
  echo "readme-main-job: the main job gave no cited answer" >&2
  exit 1
fi
echo "readme-main-job: ok" >&2
