/**
 * Every process the local stack runs (stack/services.sh) has its log file shipped to Elasticsearch
 * by default, so Kibana shows all of them without configuration.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parseConfig } from '../../common/config/index';
import { logShipperConfigSpec } from '../../monitoring/log-shipper/config';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The names in `ALL=(...)` of stack/services.sh: each logs to stack/.data/logs/<name>.log. */
function stackServices(): string[] {
  const m = /^ALL=\(([^)]*)\)/m.exec(readFileSync(path.join(ROOT, 'stack/services.sh'), 'utf8'));
  expect(m, 'ALL=(...) in stack/services.sh').to.not.equal(null);
  return m![1]!.trim().split(/\s+/);
}

describe('monitoring: log shipping', () => {
  it('ships the log file of every service stack/services.sh starts, where it writes it', () => {
    const config = parseConfig(logShipperConfigSpec, {});
    const services = stackServices();
    expect(services).to.include('alerts');
    expect(config.services).to.include.members(services);
    // stack/lib.sh writes a service's output to $STACK_DATA/logs/<name>.log (stack/.data by default).
    const lib = readFileSync(path.join(ROOT, 'stack/lib.sh'), 'utf8');
    expect(lib).to.include('STACK_DATA="${STACK_DATA:-$STACK_DIR/.data}"');
    expect(lib).to.include('STACK_LOGS="$STACK_DATA/logs"');
    expect(lib).to.include('log_file() { echo "$STACK_LOGS/$1.log"; }');
    expect(config.dir).to.equal('stack/.data/logs');
  });
});
