import { startS3rver } from './helpers/s3';
import { backupsOn } from './backups.suite';

backupsOn({ kind: 's3rver', start: startS3rver, usageErrors: true });
