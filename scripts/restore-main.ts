/** `make restore BACKUP=<folder>`: rebuilds PostgreSQL, Elasticsearch, schemas, topics and offsets from it. */
import path from 'node:path';
import { loadConfig } from '../common/config/index';
import { restore } from './backup/backup';
import { restoreConfigSpec } from './backup/config';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: make restore BACKUP=<folder written by make backup>\n');
  process.exit(2);
}
const config = loadConfig(restoreConfigSpec);
const result = await restore(config, path.resolve(dir), config);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
