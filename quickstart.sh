#!/usr/bin/env bash
# Quick start: install duvoform into .venv/ and run its main job against the embedded local
# Duvo emulator (--api-url local: no account, no API key; state in .duvoform/).
#
#   1. plan     examples/manifests               what would change
#   2. apply    examples/manifests --auto-approve make it so
#   3. connect  NAME, for each OAuth connection  (the local API plays the person who consents)
#   4. apply    again                            wires the connections just authorized
#   5. plan     --detailed-exitcode              exits 0: nothing left to do
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

say "1/5  duvoform --api-url local plan $MANIFESTS"
duvoform --api-url local plan "$MANIFESTS"

say "2/5  duvoform --api-url local apply --auto-approve $MANIFESTS"
duvoform --api-url local apply --auto-approve "$MANIFESTS"

# OAuth connections need a person in a browser. Against the embedded local API, `connect`
# plays that person, so the whole flow runs here; against Duvo it prints the URL to open.
oauth=$(duvoform --api-url local plan --format json "$MANIFESTS" | python -c '
import json, sys
plan = json.load(sys.stdin)
print("\n".join(c["name"] for c in plan["changes"] if c["action"] == "authorize"))
')
say "3/5  duvoform --api-url local connect NAME $MANIFESTS (for each OAuth connection)"
while IFS= read -r name; do
    [ -n "$name" ] || continue
    duvoform --api-url local connect "$name" "$MANIFESTS"
done <<< "$oauth"

say "4/5  duvoform --api-url local apply --auto-approve $MANIFESTS (wires the new connections)"
duvoform --api-url local apply --auto-approve "$MANIFESTS"

say "5/5  duvoform --api-url local plan --detailed-exitcode $MANIFESTS"
duvoform --api-url local plan --detailed-exitcode "$MANIFESTS"
say "No changes: the local Duvo matches the manifests."

echo
echo "The local state lives in .duvoform/ (delete .duvoform/emulator.sqlite3 to start over);"
echo "each apply is journaled in .duvoform/journal/. Run the tests with: .ci/run"
