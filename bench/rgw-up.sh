#!/usr/bin/env bash
# Bring a throwaway Ceph RGW up and down N times (default 3) and print the time each
# takes and the daemons' RSS. Needs `npx tsc -p .` first (uses dist/test/helpers/rgw.js).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-3}" exec node --no-warnings -e '
const { startRgw } = require("./dist/test/helpers/rgw.js");
(async () => {
  for (let i = 1; i <= Number(process.env.N); i++) {
    const s = await startRgw();
    const rss = await s.rss();
    const t = Date.now();
    await s.stop();
    console.log(`rgw-up ${i}: up ${s.startupMs} ms, stop ${Date.now() - t} ms, RSS ${rss.total >> 10} MiB (mon ${rss.mon >> 10}, osd ${rss.osd >> 10}, rgw ${rss.rgw >> 10})`);
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
'
