#!/usr/bin/env bash
# The peers the benchmarks compare against, from Debian, where missing.
set -euo pipefail
need=()
[ -x /usr/bin/time ] || need+=(time)
command -v curl >/dev/null || need+=(curl)
[ -x /usr/bin/aws ] || need+=(awscli)
command -v rclone >/dev/null || need+=(rclone)
command -v s3cmd >/dev/null || need+=(s3cmd)
command -v swaks >/dev/null || need+=(swaks)
# swaks --tls needs Net::SSLeay (the TLS round of bench/mail.ts)
perl -MNet::SSLeay -e 1 2>/dev/null || need+=(libnet-ssleay-perl)
[ ${#need[@]} -eq 0 ] && exit 0
echo "bench: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
