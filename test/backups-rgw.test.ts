import { startRgw } from './helpers/rgw';
import { backupsOn } from './backups.suite';

backupsOn({ kind: 'rgw', start: () => startRgw() });
