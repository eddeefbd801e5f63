import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { openDatabase } from '../db/database.js';
import { testDatabase } from '../test-support/db.js';
import { EdgeIdentityResolver } from './edge-identity.js';
import { EdgeRepository } from './edge-repository.js';

const handle = testDatabase();
after(() => handle.cleanup());

function edgeRow(id: string, fingerprintChar: string, now: number) {
  return {
    id,
    name: `edge-${id}`,
    status: 'active' as const,
    bootstrap_token_id: null,
    cert_serial: `serial-${id}`,
    cert_fingerprint: fingerprintChar.repeat(64),
    cert_expires_at: now + 86_400_000,
    allowed_cameras: JSON.stringify(['cam-1']),
    allowed_labels: null,
    wg_public_key: null,
    tunnel_address: null,
    software_version: null,
    capabilities: null,
    last_seen_at: null,
    last_rtt_ms: null,
    enrolled_at: now,
    revoked_at: null,
    revoked_reason: null,
    created_at: now,
    updated_at: now,
  };
}

it('cached identities still see a revocation made by another process on the next call', async () => {
  const repo = new EdgeRepository(handle.db);
  const now = Date.now();
  await repo.insert(edgeRow('e1', 'f', now));
  let lookups = 0;
  const counting = Object.create(repo) as EdgeRepository;
  counting.findByCertificateFingerprint = (fp: string) => (lookups++, repo.findByCertificateFingerprint(fp));
  const resolver = new EdgeIdentityResolver(
    counting,
    { requireTunnel: false, tunnelSubnet: '198.51.100.0/24' },
    () => Number(handle.sqlite.pragma('data_version', { simple: true })),
  );
  const peer = { authorized: true, fingerprint: 'f'.repeat(64), remoteAddress: '127.0.0.1' };

  assert.equal((await resolver.resolve(peer)).edgeId, 'e1');
  await resolver.resolve(peer);
  assert.equal(lookups, 1, 'second call served from the cache');

  // Another process (e.g. `uservm edge revoke`) writes through its own connection.
  const other = openDatabase({ path: handle.file, busyTimeoutMs: 1000 });
  other.sqlite.prepare("UPDATE edges SET status = 'revoked', revoked_reason = 'cli' WHERE id = 'e1'").run();
  other.sqlite.close();

  await assert.rejects(resolver.resolve(peer), /revoked: cli/);
  assert.equal(lookups, 2);
});

it('a cached identity is the same frozen object on every call, and still expires on time', async () => {
  const repo = new EdgeRepository(handle.db);
  const start = Date.now();
  await repo.insert(edgeRow('e2', 'a', start));
  let now = start;
  const resolver = new EdgeIdentityResolver(
    repo,
    { requireTunnel: false, tunnelSubnet: '198.51.100.0/24' },
    () => Number(handle.sqlite.pragma('data_version', { simple: true })),
    () => now,
  );
  const peer = { authorized: true, fingerprint: 'a'.repeat(64), remoteAddress: '127.0.0.1' };

  const first = await resolver.resolve(peer);
  assert.deepEqual(first.allowedCameras, ['cam-1']);
  assert.equal(await resolver.resolve(peer), first, 'built once, not on every call');
  assert.ok(Object.isFrozen(first) && Object.isFrozen(first.allowedCameras), 'shared, so read-only');

  now = start + 86_400_000; // the certificate's notAfter
  await assert.rejects(resolver.resolve(peer), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'certificate_expired');
    return true;
  });
});

it('resolveCached answers only for a current cache hit that passes every check', async () => {
  const repo = new EdgeRepository(handle.db);
  const now = Date.now();
  await repo.insert(edgeRow('e3', 'b', now));
  const resolver = new EdgeIdentityResolver(
    repo,
    { requireTunnel: true, tunnelSubnet: '198.51.100.0/24' },
    () => Number(handle.sqlite.pragma('data_version', { simple: true })),
  );
  const peer = { authorized: true, fingerprint: 'b'.repeat(64), remoteAddress: '198.51.100.7' };
  const outside = { ...peer, remoteAddress: '203.0.113.7' };

  assert.equal(resolver.resolveCached(peer), undefined, 'nothing cached yet');
  const identity = await resolver.resolve(peer);
  assert.equal(resolver.resolveCached(peer), identity);
  assert.equal(resolver.resolveCached(outside), undefined, 'outside the tunnel');
  await assert.rejects(resolver.resolve(outside), /through the WireGuard tunnel/);
  assert.equal(resolver.resolveCached({ ...peer, authorized: false }), undefined);

  await repo.update('e3', { status: 'revoked', revoked_reason: 'stolen', updated_at: now });
  assert.equal(resolver.resolveCached(peer), undefined, 'a write in this process drops the cache');
  await assert.rejects(resolver.resolve(peer), /revoked: stolen/);
  assert.equal(resolver.resolveCached(peer), undefined, 'a revoked edge is never answered from the cache');
});
