import { startS3rver, type S3TestServer } from './s3';

/**
 * The S3 servers every S3 test file runs against, same assertions on each. A case
 * added to a suite is checked on all of them.
 */
export const S3_SERVERS: { kind: string; start: () => Promise<S3TestServer> }[] = [{ kind: 's3rver', start: startS3rver }];
