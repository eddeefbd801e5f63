import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, envNameToPath, loadConfig } from './load.js';

function yamlFile(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-cfg-')), 'config.yaml');
  fs.writeFileSync(file, text);
  return file;
}

function problemsOf(fn: () => unknown): ConfigError['problems'] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to the embedded mode under ./data', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.dataDir, './data');
    assert.equal(config.storage.driver, 'fs');
    assert.equal(config.database.path, 'uservm.sqlite');
    assert.equal(config.server.port, 8080);
    assert.ok(config.workers.threads >= 1);
  });

  it('reads the example config shipped in the repository', () => {
    const config = loadConfig({
      env: {},
      file: new URL('../../config/config.example.yaml', import.meta.url).pathname,
    });
    assert.equal(config.server.port, 8080);
  });

  it('applies UVM_* environment overrides with types, over the file', () => {
    const file = yamlFile('server:\n  port: 9000\nlog:\n  level: warn\n');
    const config = loadConfig({
      file,
      env: {
        UVM_SERVER__PORT: '9100',
        UVM_JOBS__MAX_ATTEMPTS: '7',
        UVM_SERVER__TRUST_PROXY: 'true',
        UVM_DATA_DIR: '/var/lib/uservm',
      },
    });
    assert.equal(config.server.port, 9100);
    assert.equal(config.jobs.maxAttempts, 7);
    assert.equal(config.server.trustProxy, true);
    assert.equal(config.dataDir, '/var/lib/uservm');
    assert.equal(config.log.level, 'warn');
  });

  it('maps env names to camelCase paths', () => {
    assert.deepEqual(envNameToPath('UVM_STORAGE__S3__ACCESS_KEY'), ['storage', 's3', 'accessKey']);
    assert.deepEqual(envNameToPath('UVM_DATA_DIR'), ['dataDir']);
  });

  it('takes lists from the environment as YAML flow sequences', () => {
    const r = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
    const config = loadConfig({
      env: { UVM_ARCHIVE__RECIPIENTS: `[${r}]`, UVM_EDGE_API__SERVER_NAMES: '[localhost, vm.example.org]' },
    });
    assert.deepEqual(config.archive.recipients, [r]);
    assert.deepEqual(config.edgeApi.serverNames, ['localhost', 'vm.example.org']);
  });

  it('lists every problem at once: unknown keys, wrong types, bad values, with their source', () => {
    const file = yamlFile('server:\n  port: "eighty"\n  colour: blue\nstorage:\n  driver: ftp\n');
    const problems = problemsOf(() =>
      loadConfig({ file, env: { UVM_JOBS__CONCURRENCY: '0', UVM_NOPE: 'x' } }),
    );
    const keys = problems.map((p) => p.key).sort();
    assert.deepEqual(keys, ['jobs.concurrency', 'nope', 'server.colour', 'server.port', 'storage.driver']);
    const colour = problems.find((p) => p.key === 'server.colour')!;
    assert.equal(colour.message, 'unknown key');
    assert.match(colour.source, /config\.yaml/);
    assert.equal(problems.find((p) => p.key === 'nope')!.source, 'env UVM_NOPE');
    assert.equal(problems.find((p) => p.key === 'server.port')!.value, 'eighty');
  });

  it('requires storage.s3 when the driver is s3, and never prints secrets', () => {
    const problems = problemsOf(() => loadConfig({ env: { UVM_STORAGE__DRIVER: 's3' } }));
    assert.equal(problems[0]!.key, 'storage.s3');
    try {
      loadConfig({
        env: {
          UVM_STORAGE__DRIVER: 's3',
          UVM_STORAGE__S3__END_POINT: 'minio',
          UVM_STORAGE__S3__ACCESS_KEY: 'a',
          UVM_STORAGE__S3__SECRET_KEY: 12345 as unknown as string,
        },
      });
      assert.fail('expected ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.doesNotMatch(err.message, /12345/);
      assert.match(err.message, /storage\.s3\.secretKey/);
    }
  });

  it('reports an unreadable or invalid YAML file', () => {
    assert.equal(
      problemsOf(() => loadConfig({ file: '/nonexistent/uservm.yaml', env: {} }))[0]!.key,
      '(file)',
    );
    const broken = yamlFile('server: [unclosed');
    assert.match(problemsOf(() => loadConfig({ file: broken, env: {} }))[0]!.message, /not valid YAML/);
  });
});
