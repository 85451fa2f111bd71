import { S3_SERVERS } from './helpers/s3servers';
import { s3rmOn } from './s3rm.suite';

s3rmOn(S3_SERVERS.find((s) => s.kind === 'rgw')!);
