import { createContextKey, type HandlerContext } from '@connectrpc/connect';
import { AppError } from '../errors/app-error.js';
import type { EdgeIdentity, PeerCertificate } from '../edges/edge-identity.js';

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
