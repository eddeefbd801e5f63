import { createContextKey, type HandlerContext } from '@connectrpc/connect';
import { AppError } from '../errors/app-error.js';
import type { EdgeIdentity, EdgeIdentityResolver, PeerCertificate } from '../edges/edge-identity.js';

export const peerCertificateKey = createContextKey<PeerCertificate>(
  { authorized: false, fingerprint: null, remoteAddress: null },
  { description: 'TLS peer' },
);
export const edgeIdentityKey = createContextKey<EdgeIdentity | null>(null, {
  description: 'authenticated edge',
});

/** The calling edge, set by the identity interceptor for every service except enrollment. */
export function identityOf(ctx: HandlerContext): EdgeIdentity {
  const identity = ctx.values.get(edgeIdentityKey);
  if (!identity) throw new AppError('edge_certificate_required');
  return identity;
}

/**
 * Checks the caller again in the middle of a long stream (each snapshot, clip chunk or assignment
 * update), so a revocation or a superseded certificate stops it at its next message even before
 * its connection is closed. A cache hit costs no query.
 */
export async function recheckIdentity(ctx: HandlerContext, resolver: EdgeIdentityResolver): Promise<void> {
  const peer = ctx.values.get(peerCertificateKey);
  if (!resolver.resolveCached(peer)) await resolver.resolve(peer);
}
