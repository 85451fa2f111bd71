"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.selfSignedCert = selfSignedCert;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
function selfSignedCert() {
    const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-tls-'));
    const keyFile = (0, node_path_1.join)(dir, 'key.pem');
    const certFile = (0, node_path_1.join)(dir, 'cert.pem');
    // An EC key: generated in milliseconds, where RSA 2048 takes a noticeable while on a busy machine.
    (0, node_child_process_1.execFileSync)('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=pipekit test',
        '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    return {
        dir,
        keyFile,
        certFile,
        key: (0, node_fs_1.readFileSync)(keyFile),
        cert: (0, node_fs_1.readFileSync)(certFile),
        remove: () => (0, node_fs_1.rmSync)(dir, { recursive: true, force: true }),
    };
}
