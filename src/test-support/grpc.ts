import assert from 'node:assert/strict';
import { ConnectError } from '@connectrpc/connect';

/** Awaits a gRPC call that must fail, and returns its error. */
export async function grpcError(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  assert.fail('expected the call to fail');
}
