"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
// Runs a throwaway Ceph RGW for `SERVER=rgw make demo` and the benchmarks, creating the
// buckets named on the command line, and prints `PORT ACCESS_KEY SECRET_KEY` once it
// serves. Stops the cluster when stdin closes or on SIGTERM/SIGINT.
// Usage: rgw-main.js [BUCKET...]
const client_s3_1 = require("@aws-sdk/client-s3");
const rgw_1 = require("./rgw");
const s3_1 = require("./s3");
async function main() {
    const rgw = await (0, rgw_1.startRgw)();
    let stopping;
    const stop = () => (stopping ??= rgw.stop().then(() => process.exit(0)));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    const client = (0, s3_1.testClient)(rgw);
    for (const name of process.argv.slice(2))
        await client.send(new client_s3_1.CreateBucketCommand({ Bucket: name }));
    process.stdout.write(`${new URL(rgw.endpoint).port} ${rgw.accessKeyId} ${rgw.secretAccessKey}\n`);
    process.stdin.resume();
    process.stdin.on('end', stop);
}
main().catch((err) => {
    process.stderr.write(`rgw: ${err.message}\n`);
    process.exit(1);
});
