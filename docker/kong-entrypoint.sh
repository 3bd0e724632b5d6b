#!/bin/sh
# Kong's entrypoint in docker-compose.full.yml: fills ${NAME} placeholders in the declarative
# config (docker/kong.yml, mounted at $KONG_TEMPLATE) from the container's environment,
# writes it to $KONG_DECLARATIVE_CONFIG and starts Kong. A placeholder whose variable is
# unset or empty stops the start instead of producing a consumer with an empty key.
# Values are inserted verbatim (no shell evaluation); comment lines are left alone.
set -eu

: "${KONG_TEMPLATE:=/home/kong/temp.yml}"
: "${KONG_DECLARATIVE_CONFIG:=/home/kong/kong.yml}"

awk '
/^[[:space:]]*#/ { print; next }
{
  out = ""
  rest = $0
  while (match(rest, /\$\{[A-Za-z_][A-Za-z0-9_]*\}/)) {
    name = substr(rest, RSTART + 2, RLENGTH - 3)
    if (!(name in ENVIRON) || ENVIRON[name] == "") {
      printf "kong.yml line %d: ${%s} is not set\n", NR, name > "/dev/stderr"
      failed = 1
      exit 1
    }
    out = out substr(rest, 1, RSTART - 1) ENVIRON[name]
    rest = substr(rest, RSTART + RLENGTH)
  }
  print out rest
}
END { if (failed) exit 1 }
' "$KONG_TEMPLATE" > "$KONG_DECLARATIVE_CONFIG"

if [ "${1:-}" = "--render-only" ]; then
  exit 0
fi
exec /docker-entrypoint.sh kong docker-start
