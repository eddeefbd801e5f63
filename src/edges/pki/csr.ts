import { x509 } from './x509.js';
import { AppError } from '../../errors/app-error.js';

const MAX_CSR_BYTES = 16 * 1024;
const ALLOWED_CURVES = new Set(['P-256', 'P-384']);

/**
 * Parses and checks an edge's PKCS#10 request: well-formed PEM, a valid self-signature (the edge
 * holds the key), and a key type and size we accept. Anything else is a clear INVALID_ARGUMENT.
 */
export async function parseCsr(pem: string): Promise<x509.Pkcs10CertificateRequest> {
  const bad = (why: string, cause?: unknown): never => {
    throw new AppError(
      'validation_failed',
      `certificate signing request refused: ${why}`,
      { field: 'csr_pem' },
      { cause },
    );
  };
  if (typeof pem !== 'string' || pem.length === 0) bad('empty');
  if (pem.length > MAX_CSR_BYTES) bad(`larger than ${MAX_CSR_BYTES} bytes`);
  if (!pem.includes('-----BEGIN CERTIFICATE REQUEST-----')) bad('not a PEM "CERTIFICATE REQUEST"');
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem);
  } catch (err) {
    return bad('malformed PKCS#10', err);
  }
  let valid = false;
  try {
    valid = await csr.verify();
  } catch (err) {
    bad(`signature cannot be checked (${(err as Error).message})`, err);
  }
  if (!valid) bad('its signature does not match its public key');
  const algorithm = csr.publicKey.algorithm as { name: string; namedCurve?: string; modulusLength?: number };
  if (algorithm.name === 'ECDSA') {
    if (!ALLOWED_CURVES.has(algorithm.namedCurve ?? ''))
      bad(`EC curve ${algorithm.namedCurve} is not accepted (use P-256 or P-384)`);
  } else if (algorithm.name === 'RSASSA-PKCS1-v1_5' || algorithm.name === 'RSA-PSS') {
    if ((algorithm.modulusLength ?? 0) < 2048)
      bad(`RSA key of ${algorithm.modulusLength} bits is too small (at least 2048)`);
  } else if (algorithm.name !== 'Ed25519') {
    bad(`key type ${algorithm.name} is not accepted (ECDSA P-256/P-384, Ed25519 or RSA >= 2048)`);
  }
  return csr;
}
