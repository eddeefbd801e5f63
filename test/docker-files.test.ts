/**
 * Docker cannot run here, so the compose file and Dockerfile are checked for what can be checked:
 * the compose file parses, its uservm environment is a valid configuration for this build (a
 * misspelt UVM_* key would stop the container at start), and the Dockerfile copies files that exist.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { loadConfig } from '../src/config/load.js';

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

  it('docker-compose.yml parses and its uservm environment is a valid configuration', () => {
    const compose = YAML.parse(read('docker/docker-compose.yml')) as {
      services: Record<
        string,
        { environment?: Record<string, string | number>; depends_on?: unknown; volumes?: string[] }
      >;
    };
    assert.deepEqual(Object.keys(compose.services).sort(), ['minio', 'uservm']);
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
    assert.throws(
      () => interpolate(String(uservm.environment!.UVM_STORAGE__S3__SECRET_KEY), {}),
      /required/,
      'no default secret',
    );
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
