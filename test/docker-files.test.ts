/**
 * Docker cannot run here, so the compose file and Dockerfile are checked for what can be checked:
 * docker-compose validates the compose file, its uservm environment is a valid configuration for
 * this build (a misspelt UVM_* key would stop the container at start) that can serve edges, and
 * the Dockerfile copies files that exist.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { loadConfig } from '../src/config/load.js';

interface Service {
  environment?: Record<string, string | number>;
  depends_on?: unknown;
  volumes?: string[];
  ports?: string[];
  cap_add?: string[];
  devices?: string[];
  healthcheck?: { test?: unknown };
  profiles?: string[];
}

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const read = (p: string) => fs.readFileSync(path.join(root, p), 'utf8');

/** Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} against an .env-like map. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g,
    (_, name: string, op?: string, arg?: string) => {
      if (env[name] !== undefined && env[name] !== '') return env[name]!;
      if (op === '-') return arg ?? '';
      if (op === '?') throw new Error(`${name} is required: ${arg}`);
      return '';
    },
  );
}

describe('docker files', () => {
  const envExample = Object.fromEntries(
    read('docker/.env.example')
      .split('\n')
      .filter((l) => /^[A-Z0-9_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

  it('docker-compose.yml parses and its uservm environment is a valid configuration that serves edges', () => {
    const compose = YAML.parse(read('docker/docker-compose.yml')) as {
      services: Record<string, Service>;
      volumes: Record<string, unknown>;
    };
    assert.deepEqual(Object.keys(compose.services).sort(), ['edge-sim', 'minio', 'uservm']);
    const uservm = compose.services.uservm!;
    const env = Object.fromEntries(
      Object.entries(uservm.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), envExample)]),
    );
    // The image sets these in the Dockerfile.
    const dockerfileEnv = { UVM_DATA_DIR: '/data', UVM_SERVER__HOST: '0.0.0.0', UVM_LOG__FORMAT: 'json' };
    const config = loadConfig({ env: { ...dockerfileEnv, ...env } });
    assert.equal(config.storage.driver, 's3');
    assert.equal(config.storage.s3?.endPoint, 'minio');
    assert.equal(config.storage.s3?.useSsl, false);
    assert.equal(config.dataDir, '/data');
    assert.ok(
      uservm.volumes?.some((v) => v.endsWith(':/data')),
      'data volume mounted at /data',
    );
    // An edge can enrol and call: the edge API listens on every interface and is published, the
    // certificate names the public host, WireGuard is a real interface with its UDP port published.
    assert.equal(config.edgeApi.host, '0.0.0.0');
    assert.ok(config.edgeApi.serverNames.includes(envExample.UVM_PUBLIC_HOST!));
    assert.equal(config.edgeApi.requireTunnel, true);
    assert.equal(config.wireguard.driver, 'wg');
    assert.equal(config.wireguard.endpoint, `${envExample.UVM_PUBLIC_HOST}:${envExample.WG_PORT}`);
    const ports = (uservm.ports ?? []).map((p) => interpolate(p, envExample));
    assert.ok(ports.includes(`${envExample.EDGE_API_PORT}:${config.edgeApi.port}`), 'edge API published');
    assert.ok(
      ports.includes(`${envExample.WG_PORT}:${config.wireguard.listenPort}/udp`),
      'WireGuard published',
    );
    assert.ok(uservm.cap_add?.includes('NET_ADMIN'));
    assert.ok(uservm.devices?.includes('/dev/net/tun:/dev/net/tun'));
    // Events are accepted: an owner recipient is configured, and there is no default for it.
    assert.equal(config.archive.recipients.length, 1);
    assert.throws(() => interpolate(String(uservm.environment!.UVM_ARCHIVE__RECIPIENTS), {}), /required/);
    assert.throws(
      () => interpolate(String(uservm.environment!.UVM_STORAGE__S3__SECRET_KEY), {}),
      /required/,
      'no default secret',
    );
    // MinIO is healthy before uservm starts; every stateful service keeps its state in a volume.
    assert.ok(compose.services.minio!.healthcheck?.test);
    assert.deepEqual(uservm.depends_on, { minio: { condition: 'service_healthy' } });
    for (const [name, svc] of Object.entries(compose.services))
      for (const v of svc.volumes ?? [])
        assert.ok(v.split(':')[0]! in compose.volumes, `${name}: ${v} is a named volume`);
    assert.deepEqual(
      compose.services['edge-sim']!.profiles,
      ['simulator'],
      'the simulator starts only on request',
    );
  });

  it('docker-compose validates the compose file (Debian docker-compose; required in CI)', (t) => {
    const probe = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
    if (probe.error) {
      if (process.env.CI) assert.fail('CI must install docker-compose');
      return t.skip('docker-compose is not installed (apt-get install docker-compose)');
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-compose-'));
    try {
      fs.copyFileSync(path.join(root, 'docker/.env.example'), path.join(dir, '.env'));
      const res = spawnSync(
        'docker-compose',
        [
          '--project-directory',
          path.join(root, 'docker'),
          '--env-file',
          path.join(dir, '.env'),
          '-f',
          path.join(root, 'docker/docker-compose.yml'),
          '--profile',
          'simulator',
          'config',
          '-q',
        ],
        { encoding: 'utf8' },
      );
      assert.equal(res.status, 0, res.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the Dockerfile copies only files that exist and runs as a non-root user', () => {
    const dockerfile = read('docker/Dockerfile');
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) =>
      m[1]!.split(/\s+/),
    );
    assert.ok(sources.length >= 4);
    for (const src of sources) assert.ok(fs.existsSync(path.join(root, src)), `COPY source ${src} exists`);
    assert.match(dockerfile, /^USER node$/m);
    assert.match(dockerfile, /^VOLUME \["\/data"\]$/m);
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    assert.ok(pkg.scripts.build, 'the build stage runs npm run build');
  });
});
