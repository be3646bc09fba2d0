#!/usr/bin/env bash
# Quick start: install duvoform into .venv/ and run its main job against the embedded local
# Duvo emulator (--api-url local: no account, no API key; state in .duvoform/).
#
#   1. plan   examples/manifests               what would change
#   2. apply  examples/manifests --auto-approve make it so
#   3. plan   --detailed-exitcode              nothing left to do (except what needs a person)
#
# Usage: ./quickstart.sh            (PYTHON=python3.12 ./quickstart.sh to pick an interpreter)
set -euo pipefail
cd "$(dirname "$0")"

PYTHON="${PYTHON:-python3}"
MANIFESTS="examples/manifests"
ERP_KEY_FILE="$MANIFESTS/secrets/erp-key.txt"

if [ -t 1 ]; then
    say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
else
    say() { printf '\n==> %s\n' "$*"; }
fi

if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "duvoform needs Python 3.11 or newer; set PYTHON to one (found: $("$PYTHON" --version 2>&1))" >&2
    exit 1
fi

say "Installing duvoform into .venv/"
[ -d .venv ] || "$PYTHON" -m venv .venv
# shellcheck disable=SC1091
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e .

# The example connections take their secret header values from an environment variable and
# a file. Real values never belong in a script; these are demo values for the local emulator.
created_key_file=""
if [ -z "${SNOWFLAKE_MCP_TOKEN:-}" ]; then
    export SNOWFLAKE_MCP_TOKEN="demo-snowflake-token"
    say "Demo secret: SNOWFLAKE_MCP_TOKEN is set to a demo value for this run"
fi
if [ ! -f "$ERP_KEY_FILE" ]; then
    mkdir -p "$(dirname "$ERP_KEY_FILE")"
    printf 'demo-erp-key\n' > "$ERP_KEY_FILE"
    created_key_file="yes"
    say "Demo secret: wrote a demo value to $ERP_KEY_FILE (removed again at the end)"
fi
cleanup() {
    if [ -n "$created_key_file" ]; then
        rm -f "$ERP_KEY_FILE"
        rmdir "$(dirname "$ERP_KEY_FILE")" 2>/dev/null || true
    fi
}
trap cleanup EXIT

say "1/3  duvoform --api-url local plan $MANIFESTS"
duvoform --api-url local plan "$MANIFESTS"

say "2/3  duvoform --api-url local apply --auto-approve $MANIFESTS"
duvoform --api-url local apply --auto-approve "$MANIFESTS"

say "3/3  duvoform --api-url local plan --detailed-exitcode $MANIFESTS"
set +e
duvoform --api-url local plan --detailed-exitcode "$MANIFESTS"
code=$?
set -e
if [ "$code" -eq 0 ]; then
    say "No changes: the local Duvo matches the manifests."
elif [ "$code" -eq 2 ]; then
    # Only OAuth connections may remain: a person must authorize them in a browser
    # (duvoform connect NAME). Anything else left over would be a bug.
    duvoform --api-url local plan --format json "$MANIFESTS" | python -c '
import json, sys
summary = json.load(sys.stdin)["summary"]
left = {k: v for k, v in summary.items() if k not in ("unchanged", "authorize") and v}
if left:
    sys.exit(f"unexpected changes after apply: {left}")
waiting = summary["authorize"]
print(f"\nNo changes left, except {waiting} OAuth connection(s) that need a person in a "
      "browser (duvoform connect NAME); a script cannot authorize them.")
'
else
    exit "$code"
fi

echo
echo "The local state lives in .duvoform/ (delete .duvoform/emulator.sqlite3 to start over);"
echo "each apply is journaled in .duvoform/journal/. Run the tests with: .ci/run"
