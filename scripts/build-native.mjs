#!/usr/bin/env node
// Builds the native kernel addon (native/: convolutions and matrix products on OpenBLAS for the
// tfjs wasm backend) with node-gyp against this Node's own headers; nothing is downloaded. Runs at
// `npm install`. Never fails the install unless UVM_REQUIRE_NATIVE=1 (CI): without g++ or
// libopenblas-dev the service still works, on the wasm kernels (training several times slower).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// (The older name USERVM_REQUIRE_NATIVE is read too; src/config/process-env.ts lists these.)
const required = (process.env.UVM_REQUIRE_NATIVE ?? process.env.USERVM_REQUIRE_NATIVE) === '1';

// npm hands lifecycle scripts its bundled node-gyp; outside npm, look next to this Node's npm.
const gyp = [
  process.env.npm_config_node_gyp,
  path.resolve(process.execPath, '../../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
].find((p) => p && fs.existsSync(p));
// Headers: the ones npm is configured with, else the ones installed with this Node.
const nodedir = [process.env.npm_config_nodedir, path.resolve(process.execPath, '../..')].find(
  (d) => d && fs.existsSync(path.join(d, 'include/node/node_api.h')),
);

function giveUp(why) {
  const msg =
    `native kernels not built: ${why}.\n` +
    '  The service works without them (tfjs wasm kernels), but CAE training is ~3x slower.\n' +
    '  Install g++, make and OpenBLAS (Debian: apt-get install g++ make libopenblas-dev), then npm run build:native.';
  console.warn(msg);
  process.exit(required ? 1 : 0);
}

if (!gyp) giveUp('node-gyp was not found (it comes with npm)');
if (!nodedir) giveUp(`Node's headers (include/node/node_api.h) were not found next to ${process.execPath}`);
const result = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--loglevel=warn'], {
  cwd: path.join(root, 'native'),
  stdio: 'inherit',
});
if (result.status !== 0) giveUp(`node-gyp exited with ${result.status ?? result.signal}`);
console.log('native kernels built: native/build/Release/uservm_kernels.node');
