import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { openDatabase } from '../db/database.js';
import { testDatabase } from '../test-support/db.js';
import { EdgeIdentityResolver } from './edge-identity.js';
import { EdgeRepository } from './edge-repository.js';

const handle = testDatabase();
after(() => handle.cleanup());

it('cached identities still see a revocation made by another process on the next call', async () => {
  const repo = new EdgeRepository(handle.db);
  const now = Date.now();
  await repo.insert({
    id: 'e1',
    name: 'edge-1',
    status: 'active',
    bootstrap_token_id: null,
    cert_serial: 's1',
    cert_fingerprint: 'f'.repeat(64),
    cert_expires_at: now + 86_400_000,
    allowed_cameras: null,
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
  });
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
