#!/usr/bin/env bash
# `make demo`: a real directory through tar | s3sink and back through s3source | tar,
# against a local S3 server on loopback, compared with diff -r. Prints every step.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${DEMO_DIR:-node_modules}
work=$(mktemp -d)
export PATH=$PWD/dist/bin:$PATH
trap 'kill "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null || true; rm -rf "$work"' EXIT

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; bash -o pipefail -c "$*"; }

if [ "${SERVER:-s3rver}" = rgw ]; then
  say "starting Ceph RADOS Gateway on loopback (a few seconds)"
  coproc SRV { node dist/test/helpers/rgw-main.js demo; }
else
  say "starting s3rver on loopback"
  coproc SRV { node --openssl-legacy-provider dist/test/helpers/s3rver-main.js "$work/s3" demo; }
fi
read -r line <&"${SRV[0]}"
# The helper prints the endpoint's port, or for rgw: PORT ACCESS_KEY SECRET_KEY.
read -r port key secret <<<"$line"
export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=${key:-S3RVER} AWS_SECRET_ACCESS_KEY=${secret:-S3RVER}
echo "endpoint $AWS_ENDPOINT_URL"

size=$(du -sb "$DIR" | cut -f1)
say "backing up $DIR ($((size / 1048576)) MiB) with tar | s3sink"
run "tar czf - '$DIR' | s3sink s3://demo/backup"

say "restoring with s3source | tar"
mkdir -p "$work/restore"
start=$(date +%s%N)
run "s3source s3://demo/backup | tar xzf - -C '$work/restore'"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "restored in ${ms} ms"

say "comparing with diff -r"
run "diff -r '$DIR' '$work/restore/$DIR'"
say "identical: the round trip is byte-for-byte"
