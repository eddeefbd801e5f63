import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isAppError } from '../errors/app-error.js';
import { testDatabase } from '../test-support/db.js';
import { ApiTokenRepository } from './api-token-repository.js';
import { ApiTokenService } from './api-token-service.js';

const handle = testDatabase();
after(() => handle.cleanup());
let clock = Date.UTC(2026, 0, 1);
const service = new ApiTokenService(new ApiTokenRepository(handle.db), () => clock);

const code = (c: string) => (err: unknown) => isAppError(err) && err.code === c;

describe('ApiTokenService', () => {
  it('creates the initial admin token only once', async () => {
    const first = await service.createInitialAdminIfNone();
    assert.match(first!, /^uvm_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$/);
    assert.equal(await service.createInitialAdminIfNone(), null);
    assert.equal((await service.authenticate(first!)).role, 'admin');
  });

  it('stores only prefix and hash, never the token text', async () => {
    const { token } = await service.create({ name: 'ops', role: 'viewer' });
    const rows = await handle.db.selectFrom('api_tokens').selectAll().execute();
    const secret = token.slice('uvm_'.length + 11);
    for (const row of rows) assert.ok(!JSON.stringify(row).includes(secret));
  });

  it('authenticates with the role of the token', async () => {
    const { token } = await service.create({ name: 'viewer', role: 'viewer' });
    assert.deepEqual((await service.authenticate(token)).role, 'viewer');
  });

  it('refuses malformed, unknown, wrong-secret, revoked and expired tokens, each with its code', async () => {
    await assert.rejects(service.authenticate('hello'), code('token_invalid'));
    const { token, view } = await service.create({ name: 'x', role: 'admin', expiresAt: clock + 1000 });
    const wrongSecret = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    await assert.rejects(service.authenticate(wrongSecret), code('token_invalid'));
    await assert.rejects(
      service.authenticate(`uvm_zzzzzzzzzz_${token.slice('uvm_'.length + 11)}`),
      code('token_invalid'),
    );
    clock += 1000;
    await assert.rejects(service.authenticate(token), code('token_expired'));
    await service.revoke(view.id);
    await assert.rejects(service.authenticate(token), code('token_revoked'));
  });

  it('validates names and expiry', async () => {
    await assert.rejects(service.create({ name: ' ', role: 'admin' }), code('validation_failed'));
    await assert.rejects(
      service.create({ name: 'past', role: 'admin', expiresAt: clock - 1 }),
      code('validation_failed'),
    );
  });
});
