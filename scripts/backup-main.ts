/** `make backup`: a timestamped folder under backups/ (or the one given) with everything restore needs. */
import path from 'node:path';
import { loadConfig } from '../common/config/index';
import { ROOT } from './config-specs';
import { backup } from './backup/backup';
import { backupConfigSpec } from './backup/config';

const config = loadConfig(backupConfigSpec);
const stamp = new Date()
  .toISOString()
  .replace(/[-:]/g, '')
  .replace(/\.\d+Z$/, 'Z');
const dir = path.resolve(process.argv[2] ?? path.join(ROOT, 'backups', stamp));
const manifest = await backup(
  config,
  dir,
  config.groups
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean),
);
process.stdout.write(`${JSON.stringify({ dir, ...manifest }, null, 2)}\n`);
