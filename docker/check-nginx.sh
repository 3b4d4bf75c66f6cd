#!/usr/bin/env bash
# nginx's own check of the compose gateway config (docker/nginx.conf): `nginx -t`. It needs a system
# nginx, so it is not part of `npm test` (which needs only Node); .ci/run runs it after the tests.
# Compose service names are swapped for loopback addresses so the check needs no DNS.
#   usage: bash docker/check-nginx.sh        (nginx on PATH, e.g. apt-get install nginx-light)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nginx >/dev/null 2>&1; then
  echo "check-nginx: nginx is not installed (apt-get install nginx-light)" >&2
  exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/nginx-check-XXXXXX")
trap 'rm -rf "$dir"' EXIT
sed -E 's/server (auth|notify)-svc:/server 127.0.0.1:/g' docker/nginx.conf >"$dir/site.conf"
# Logs and temp paths inside the scratch folder too, so the check needs no /var/lib/nginx or
# /var/log/nginx (an nginx unpacked from its package works as well as an installed one).
cat >"$dir/nginx.conf" <<CONF
pid $dir/nginx.pid;
error_log stderr;
events {}
http {
  access_log $dir/access.log;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  include $dir/site.conf;
}
CONF

if ! out=$(nginx -t -q -e stderr -c "$dir/nginx.conf" 2>&1) || [ -n "$out" ]; then
  echo "check-nginx: docker/nginx.conf fails nginx -t:" >&2
  echo "$out" >&2
  exit 1
fi
echo "check-nginx: docker/nginx.conf passes nginx -t ($(nginx -v 2>&1))"
