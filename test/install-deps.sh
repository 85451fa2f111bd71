#!/usr/bin/env bash
# Installs what the test suite needs from the Debian registry, only where missing:
# fuse (libfuse2 + fusermount) for randfs, postfix for etrn, python3 for one mxprobe test, ceph's rgw for the S3 matrix.
set -euo pipefail
need=()
{ command -v fusermount >/dev/null && ldconfig -p | grep -q 'libfuse.so.2 '; } || need+=(fuse)
[ -x /usr/sbin/postfix ] || need+=(postfix)
# python3 for the mxprobe test of a connection that never completes (a listener whose accept queue is full)
command -v python3 >/dev/null || need+=(python3-minimal)
for p in radosgw ceph-mon ceph-osd; do command -v "$p" >/dev/null || need+=("$p"); done
[ ${#need[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${need[*]}" >&2
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: need root to install ${need[*]} (or install them yourself)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
# Packages must not start system daemons (a system postfix on port 25, ceph units):
# the tests start private instances of their own.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
