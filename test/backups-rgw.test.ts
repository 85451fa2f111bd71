import { startRgw } from './helpers/rgw';
import { backupsOn } from './backups.suite';

const MiB = 2 ** 20;
// The resume case stores 200 MiB more than once: room for it in the OSD's RAM.
backupsOn({ kind: 'rgw', start: () => startRgw({ memstoreBytes: 1536 * MiB }) });
