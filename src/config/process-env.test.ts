import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadConfig } from './load.js';
import { processEnv } from './process-env.js';

it('reads the UVM_ name first, the older name after, and the config loader leaves both alone', () => {
  assert.equal(processEnv('apiToken', { UVM_TOKEN: 'a', USERVM_TOKEN: 'b' }), 'a');
  assert.equal(processEnv('apiToken', { USERVM_TOKEN: 'b' }), 'b');
  assert.equal(processEnv('demoDir', {}), undefined);
  // UVM_TOKEN would otherwise be the unknown config key "token" and refuse to start.
  const config = loadConfig({
    env: { UVM_TOKEN: 'uvm_x', UVM_NATIVE_KERNELS: 'off', UVM_DEMO_DIR: '/tmp/d' },
  });
  assert.equal((config as unknown as Record<string, unknown>).token, undefined);
});
