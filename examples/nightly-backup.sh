#!/usr/bin/env bash
# Nightly backup of one directory into a chunk set, kept as restic keeps snapshots,
# read back and verified once a week. From cron (crontab -e):
#
#   PATH=/usr/local/bin:/usr/bin:/bin
#   30 2 * * *  BACKUP_URL=s3://backup/www BACKUP_DIR=/srv/www nightly-backup.sh
#
# Restore the copy of a day (days are UTC days, as retention counts them):
#
#   BACKUP_URL=s3://backup/www nightly-backup.sh restore 'last tuesday' /srv/www.tuesday
#
# Credentials and endpoint come from AWS_* or ~/.aws, as for every pipekit filter.
set -euo pipefail

url=${BACKUP_URL:?set BACKUP_URL, e.g. s3://backup/www}
# An unmounted or emptied directory still makes a valid, tiny archive: refuse it.
min_size=${BACKUP_MIN_SIZE:-1K}
# The day (1 = Monday ... 7 = Sunday, as date +%u) of the weekly read-back.
check_day=${BACKUP_CHECK_DAY:-7}

if [ "${1:-}" = restore ]; then
  day=$(date -u -d "${2:?restore DAY DIR, e.g. restore 'last tuesday' /tmp/www}" +%F)
  dest=${3:?restore DAY DIR}
  # Newest first: the first generation created on DAY or before it.
  gen=$(s3ls --generations "$url" | awk -F '\t' -v day="$day" '!gen && substr($2, 1, 10) <= day { gen = $1 } END { print gen }')
  if [ -z "$gen" ]; then
    echo "nightly-backup: no generation of $url from $day or before" >&2
    exit 1
  fi
  echo "nightly-backup: restoring $gen into $dest" >&2
  mkdir -p "$dest"
  s3source --generation "$gen" "$url" | tar xzf - -C "$dest"
  exit 0
fi

# s3sink runs tar itself and commits only when tar exits 0; through a pipe it would
# commit whatever tar wrote before failing. Then it applies the policy: the newest
# generation of each of the last 7 days, 5 ISO weeks and 12 months stays.
dir=${BACKUP_DIR:?set BACKUP_DIR, the directory to back up}
s3sink -q --min-size "$min_size" --keep-daily 7 --keep-weekly 5 --keep-monthly 12 \
  "$url" -- tar czf - -C "$dir" .

if [ "$(date +%u)" = "$check_day" ]; then
  # Reads every chunk of every kept generation (up to 24 here), one line each:
  # `ok GEN SIZE CHUNKS`, or `BAD GEN chunk K: reason` and exit status 1.
  s3source --check --all-generations "$url"
fi
