import { AppError } from '../errors/app-error.js';

export interface TunnelSubnet {
  /** e.g. 100.96.0.0/24 */
  cidr: string;
  /** The service's own address: the first host address. */
  serverAddress: string;
  prefixLength: number;
}

function toInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

function toIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseSubnet(cidr: string): TunnelSubnet & { network: number; size: number } {
  const [ip, bits] = cidr.split('/');
  const prefixLength = Number(bits);
  const size = 2 ** (32 - prefixLength);
  const network = (toInt(ip!) & (prefixLength === 0 ? 0 : (~0 << (32 - prefixLength)) >>> 0)) >>> 0;
  if (size < 4) throw new Error(`tunnel subnet ${cidr} is too small`);
  return {
    cidr: `${toIp(network)}/${prefixLength}`,
    serverAddress: toIp(network + 1),
    prefixLength,
    network,
    size,
  };
}

/** The lowest free edge address (after the service's), or tunnel_subnet_exhausted. */
export function allocateTunnelAddress(cidr: string, used: Iterable<string>): string {
  const subnet = parseSubnet(cidr);
  const taken = new Set(used);
  // network + 0 is the network, +1 the service, the last one broadcast.
  for (let i = 2; i < subnet.size - 1; i++) {
    const candidate = toIp(subnet.network + i);
    if (!taken.has(candidate)) return candidate;
  }
  throw new AppError(
    'tunnel_subnet_exhausted',
    `no free tunnel address left in ${subnet.cidr} (${subnet.size - 3} edges)`,
  );
}

export function isInSubnet(ip: string, cidr: string): boolean {
  const subnet = parseSubnet(cidr);
  const plain = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  try {
    const n = toInt(plain);
    return n >= subnet.network && n < subnet.network + subnet.size;
  } catch {
    return false;
  }
}
