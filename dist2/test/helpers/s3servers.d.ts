import { type S3TestServer } from './s3';
/**
 * The S3 servers every S3 test file runs against, same assertions on each, so a case
 * added for one is checked on all: s3rver (a fake that forgives a lot) and Ceph RGW
 * (a production server with rules of its own).
 */
export declare const S3_SERVERS: {
    kind: string;
    start: () => Promise<S3TestServer>;
}[];
