"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// Runs s3rver on a random loopback port in its own process (it needs
// `node --openssl-legacy-provider`: its list continuation tokens use DES), printing
// the port on stdout once it listens. Exits when stdin closes, so it never outlives
// whoever started it. Usage: s3rver-main.js DIR [BUCKET...]
const s3rver_1 = __importDefault(require("s3rver"));
const [directory, ...buckets] = process.argv.slice(2);
const server = new s3rver_1.default({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: buckets.map((name) => ({ name })),
});
server.run().then((addr) => {
    process.stdout.write(`${addr.port}\n`);
    process.stdin.resume();
    process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
}, (err) => {
    process.stderr.write(`s3rver: ${err.message}\n`);
    process.exit(1);
});
