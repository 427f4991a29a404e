#!/usr/bin/env bash
# The wheel holds everything the app needs: build it, install it into a fresh virtual environment
# and serve /, /intake and /inloggen with gunicorn from a folder outside the checkout.
set -euo pipefail
CHECKOUT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'kill "${GUNICORN:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# Build from a copy of the files git knows (tracked or new, not ignored): no stale build/ folder.
mkdir "$WORK/src"
(cd "$CHECKOUT" && git ls-files -co --exclude-standard -z | tar -c --null -T - -f -) \
    | tar -x -C "$WORK/src" -f -
python3 -m pip wheel --quiet --no-deps --wheel-dir "$WORK/dist" "$WORK/src"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet -c "$CHECKOUT/constraints.txt" "$WORK"/dist/spt_match-*.whl
cd "$WORK"  # nothing of the checkout on the path from here on
INSTALLED="$("$WORK/venv/bin/python" -c 'import spt; print(spt.__file__)')"
case "$INSTALLED" in "$WORK/venv/"*) ;; *) echo "spt imported from $INSTALLED"; exit 1 ;; esac

export SPT_ENV=production SPT_MFA_REQUIRED=0
SPT_SECRET_KEY="$("$WORK/venv/bin/python" -c 'import secrets; print(secrets.token_hex(32))')"
export SPT_SECRET_KEY SPT_DATABASE_URL="sqlite:///$WORK/spt.sqlite"
PORT="$("$WORK/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export SPT_WEB_BIND="127.0.0.1:$PORT" SPT_WEB_WORKERS=1
"$WORK/venv/bin/spt" db upgrade
"$WORK/venv/bin/spt" load-reference >/dev/null
"$WORK/venv/bin/gunicorn" -c python:spt.gunicorn_conf spt.wsgi:app >"$WORK/gunicorn.log" 2>&1 &
GUNICORN=$!
for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.5
done
for path in / /intake/ /inloggen; do
    body="$(curl -fsSL "http://127.0.0.1:$PORT$path")" || { cat "$WORK/gunicorn.log"; exit 1; }
    grep -q "SPT" <<<"$body" || { echo "no page at $path"; exit 1; }
    echo "wheel serves $path"
done
