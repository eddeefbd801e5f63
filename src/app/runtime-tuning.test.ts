import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { SERVICE_V8_FLAGS, missingServiceFlags } from './runtime-tuning.js';

const root = new URL('../../', import.meta.url);

describe('runtime tuning', () => {
  it('sets only the service flags not already given, in either polarity or with another value', () => {
    assert.deepEqual(missingServiceFlags([]), SERVICE_V8_FLAGS);
    assert.deepEqual(missingServiceFlags(SERVICE_V8_FLAGS), []);
    assert.deepEqual(missingServiceFlags(['--allocation-site-pretenuring'], '--heap_growing_percent=20'), []);
    assert.deepEqual(missingServiceFlags(['--import', 'tsx'], '--max-old-space-size=512'), SERVICE_V8_FLAGS);
    assert.deepEqual(missingServiceFlags(['--heap-growing-percent=10']), [
      '--no-allocation-site-pretenuring',
    ]);
  });

  it('are flags this node accepts on its command line (an unknown one is a startup error)', () => {
    const out = execFileSync(process.execPath, [...SERVICE_V8_FLAGS, '-e', 'console.log("ok")'], {
      encoding: 'utf8',
    });
    assert.equal(out.trim(), 'ok');
    assert.throws(() =>
      execFileSync(process.execPath, ['--heap-growing-percentage=50', '-e', '0'], { stdio: 'ignore' }),
    );
  });

  it('are the flags npm start, the container image and the benches pass', () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('package.json', root), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const dockerfile = fs.readFileSync(new URL('docker/Dockerfile', root), 'utf8');
    const bench = fs.readFileSync(new URL('bench/support/service-process.ts', root), 'utf8');
    for (const flag of SERVICE_V8_FLAGS) {
      assert.ok(pkg.scripts.start!.includes(flag), `npm start lacks ${flag}`);
      assert.ok(dockerfile.includes(`"${flag}"`), `the image's entrypoint lacks ${flag}`);
    }
    assert.match(bench, /SERVICE_V8_FLAGS/);
  });
});
