#!/usr/bin/env bash
# Requests per second on the public pages, served by gunicorn on a loopback port.
#
#   bench/public_page.sh            # from the project root, after `make install`
#
# Builds a throwaway SQLite database with the demo portal published, starts gunicorn
# (2 sync workers) on a free 127.0.0.1 port, runs wrk (or hey) for BENCH_SECONDS on each
# address, prints requests/s, stops gunicorn and removes the database. Never run by the tests.
# Settings: BENCH_SECONDS (10), BENCH_CONNECTIONS (16), BENCH_WORKERS (2).
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=.venv/bin
SECONDS_EACH=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
WORKERS=${BENCH_WORKERS:-2}

if command -v wrk >/dev/null; then
    TOOL=wrk
elif command -v hey >/dev/null; then
    TOOL=hey
else
    echo "Needs wrk or hey: apt-get install -y wrk" >&2
    exit 2
fi
for program in "$BIN/flask" "$BIN/gunicorn" curl; do
    command -v "$program" >/dev/null || { echo "Needs $program (make install)" >&2; exit 2; }
done

WORK=$(mktemp -d)
GUNICORN_PID=
cleanup() {
    if [ -n "$GUNICORN_PID" ]; then
        kill "$GUNICORN_PID" 2>/dev/null || true
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

export FLASK_APP=wsgi
export DATABASE_URL="sqlite:///$WORK/bench.sqlite3"
SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_hex(32))')
export SECRET_KEY
# Measured without rate limits, as behind a load balancer that applies its own.
export FLASK_RATELIMIT_ENABLED=false

echo "Database: $DATABASE_URL"
"$BIN/flask" db upgrade >"$WORK/setup.log" 2>&1
"$BIN/flask" demo load >>"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; exit 1; }

serve() {  # wsgi app, path that answers 200 once it is up; sets BASE and GUNICORN_PID
    local port
    port=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    BASE="http://127.0.0.1:$port"
    "$BIN/gunicorn" -w "$WORKERS" -k sync -b "127.0.0.1:$port" --log-level warning \
        --pythonpath bench "$1" &
    GUNICORN_PID=$!
    for _ in $(seq 50); do
        curl -fs "$BASE$2" >/dev/null 2>&1 && return
        sleep 0.2
    done
    echo "gunicorn did not start" >&2
    exit 1
}

stop() {
    kill "$GUNICORN_PID"
    wait "$GUNICORN_PID" 2>/dev/null || true
    GUNICORN_PID=
}

serve wsgi:app /healthz

if [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/fr/cookies")" = 404 ]; then
    # A demo that does not publish yet: publish its content now.
    "$BIN/flask" policy publish --note "Benchmark" >>"$WORK/setup.log" 2>&1 \
        || { cat "$WORK/setup.log" >&2; exit 1; }
fi
ETAG=$(curl -sI "$BASE/fr/cookies" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
if curl -sI "$BASE/fr/cookies" | grep -qi '^set-cookie'; then
    echo "warning: /fr/cookies sets a cookie" >&2
fi

run() {  # label, path, [header]
    local label=$1 path=$2 header=${3:-} status size rate
    read -r status size < <(curl -s -o /dev/null -w '%{http_code} %{size_download}\n' \
        ${header:+-H "$header"} "$BASE$path")
    if [ "$TOOL" = wrk ]; then
        rate=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" ${header:+-H "$header"} "$BASE$path" \
            | sed -n 's/^Requests\/sec: *//p')
    else
        rate=$(hey -z "${SECONDS_EACH}s" -c "$CONNECTIONS" ${header:+-H "$header"} "$BASE$path" \
            | sed -n 's/^ *Requests\/sec: *//p')
    fi
    printf '%-34s %-4s %8s B %12s req/s\n' "$label" "$status" "$size" "$rate"
}

echo "gunicorn -w $WORKERS -k sync on $BASE; $TOOL, $CONNECTIONS connections, ${SECONDS_EACH}s each"
run "GET /fr/cookies" /fr/cookies
run "GET /fr/cookies (If-None-Match)" /fr/cookies "If-None-Match: $ETAG"
run "GET /fr/cookies.json" /fr/cookies.json
run "GET /fr/cookies/v/1" /fr/cookies/v/1
run "GET /cookies (redirect)" /cookies "Accept-Language: en"
run "GET /healthz (database and schema)" /healthz
SIZE=$(curl -s "$BASE/fr/cookies" | wc -c)
stop

# The same number of bytes from a WSGI function that does nothing else: what gunicorn and the
# load generator cost on this machine, the most any Flask view could reach.
RAW_BYTES=$SIZE serve raw_wsgi:app /
run "ceiling: fixed bytes, no framework" /
