#!/usr/bin/env bash
# What the integration tests drive for real besides npm packages (`npm test` runs this first,
# so the test command is self-sufficient on a fresh Debian machine; the embedded gateway needs
# none of it): the Redis server on 127.0.0.1:6379, and Debian's nginx, Chromium, ngIRCd,
# openssl and promtool. Missing packages are installed with apt-get when running as root; otherwise the
# script says what to install and stops.
set -uo pipefail

missing=()
{ command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null 2>&1 || missing+=(nginx-light)
# Browser tests (control UI, browser tool) drive Debian's Chromium: playwright-core never downloads one.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# IRC channel tests run a real ngIRCd on a loopback port (openssl makes its TLS test certificate).
{ command -v ngircd || [ -x /usr/sbin/ngircd ]; } >/dev/null 2>&1 || missing+=(ngircd)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# /metrics is checked by Prometheus's own linter, `promtool check metrics` (Debian ships it in
# the prometheus package: ~96 MB installed, ~40 s here; its server is not started by the tests).
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "moltbot tests: installing ${missing[*]} (apt-get)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || exit 1
  else
    echo "moltbot tests need: ${missing[*]} — install them (Debian: sudo apt-get install ${missing[*]}) and run again" >&2
    exit 1
  fi
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "moltbot tests: starting redis-server on 127.0.0.1:6379" >&2
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && exit 0; sleep 0.1; done
  echo "moltbot tests: redis-server did not answer on 127.0.0.1:6379" >&2
  exit 1
fi
