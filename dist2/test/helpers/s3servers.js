"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.S3_SERVERS = void 0;
const s3_1 = require("./s3");
const rgw_1 = require("./rgw");
/**
 * The S3 servers every S3 test file runs against, same assertions on each, so a case
 * added for one is checked on all: s3rver (a fake that forgives a lot) and Ceph RGW
 * (a production server with rules of its own).
 */
exports.S3_SERVERS = [
    { kind: 's3rver', start: s3_1.startS3rver },
    { kind: 'rgw', start: () => (0, rgw_1.startRgw)() },
];
