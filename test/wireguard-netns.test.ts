/**
 * Real WireGuard end to end, in two network namespaces this test creates (needs root, ip, wg and
 * wireguard-go: CI installs them; elsewhere it is skipped and says why).
 *
 *   hub ns  (203.0.113.1 on a veth)  runs `uservm serve` with the wg driver: interface uvmt0,
 *           tunnel 198.51.100.1, edge gRPC API on 0.0.0.0:8443, requireTunnel on.
 *   edge ns (203.0.113.2)            runs `uservm-edge`: enrols over the underlay, brings its own
 *           wireguard-go interface up with the keys from enrollment, then calls over the tunnel.
 * Revocation through the CLI then removes the peer and the tunnel stops carrying traffic.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const tsx = path.join(root, 'node_modules/tsx/dist/esm/index.mjs');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const why =
  process.getuid?.() !== 0
    ? 'needs root'
    : !has('wg')
      ? 'wireguard-tools not installed'
      : !has('wireguard-go')
        ? 'wireguard-go not installed'
        : !has('ping')
          ? 'ping not installed'
          : !fs.existsSync('/dev/net/tun')
            ? 'no /dev/net/tun'
            : '';

const id = randomBytes(3).toString('hex');
const HUB = `uvmt-hub-${id}`;
const EDGE = `uvmt-edge-${id}`;
const HUB_IF = `uvh${id}`;
const EDGE_IF = `uve${id}`;
const WG_HUB = 'uvmt0';
const WG_EDGE = `uvw${id}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-wg-e2e-'));
const configFile = path.join(dir, 'config.yaml');
const stateDir = path.join(dir, 'edge-state');
let service: ChildProcess | undefined;
let serviceLog = '';

const sh = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const inNs = (ns: string, cmd: string, args: string[]) => sh('ip', ['netns', 'exec', ns, cmd, ...args]);
const uservm = (args: string[]) =>
  sh(process.execPath, [
    '--import',
    tsx,
    path.join(root, 'src/cli/main.ts'),
    '--config',
    configFile,
    ...args,
  ]);
function edgeCli(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(
    'ip',
    [
      'netns',
      'exec',
      EDGE,
      process.execPath,
      '--import',
      tsx,
      path.join(root, 'src/edge-client/cli.ts'),
      ...args,
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

describe('WireGuard tunnel between two network namespaces', { skip: why || false }, () => {
  before(async () => {
    sh('ip', ['netns', 'add', HUB]);
    sh('ip', ['netns', 'add', EDGE]);
    sh('ip', ['link', 'add', HUB_IF, 'type', 'veth', 'peer', 'name', EDGE_IF]);
    sh('ip', ['link', 'set', HUB_IF, 'netns', HUB]);
    sh('ip', ['link', 'set', EDGE_IF, 'netns', EDGE]);
    inNs(HUB, 'ip', ['address', 'add', '203.0.113.1/24', 'dev', HUB_IF]);
    inNs(EDGE, 'ip', ['address', 'add', '203.0.113.2/24', 'dev', EDGE_IF]);
    for (const [ns, dev] of [
      [HUB, HUB_IF],
      [EDGE, EDGE_IF],
    ] as const) {
      inNs(ns, 'ip', ['link', 'set', 'lo', 'up']);
      inNs(ns, 'ip', ['link', 'set', dev, 'up']);
    }
    fs.writeFileSync(
      configFile,
      [
        `dataDir: ${path.join(dir, 'data')}`,
        'server: { host: 127.0.0.1, port: 18200 }',
        'log: { level: info, format: json }',
        'edgeApi: { host: 0.0.0.0, port: 8443, serverNames: [203.0.113.1], requireTunnel: true }',
        `wireguard: { driver: wg, interface: ${WG_HUB}, listenPort: 51820, subnet: 198.51.100.0/24, endpoint: "203.0.113.1:51820", netns: ${HUB}, persistentKeepaliveSeconds: 1 }`,
        '',
      ].join('\n'),
    );
    service = spawn(
      'ip',
      [
        'netns',
        'exec',
        HUB,
        process.execPath,
        '--import',
        tsx,
        path.join(root, 'src/cli/main.ts'),
        '--config',
        configFile,
        'serve',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        // The test runner silences logs through UVM_LOG__LEVEL; this child must log (we wait for a line).
        env: { ...process.env, UVM_LOG__LEVEL: 'info' },
      },
    );
    service.stdout!.on('data', (d: Buffer) => (serviceLog += d.toString()));
    service.stderr!.on('data', (d: Buffer) => (serviceLog += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!/edge gRPC API listening/.test(serviceLog)) {
      if (Date.now() > deadline || service.exitCode !== null)
        throw new Error(`service did not start:\n${serviceLog}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  after(async () => {
    if (service && service.exitCode === null) {
      service.kill('SIGTERM');
      await new Promise((r) => service!.once('exit', r));
    }
    for (const ns of [EDGE, HUB]) spawnSync('ip', ['netns', 'del', ns]);
    spawnSync('pkill', ['-f', `wireguard-go ${WG_EDGE}`]);
    spawnSync('pkill', ['-f', `wireguard-go ${WG_HUB}`]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('enrols over the underlay, talks mTLS gRPC through the tunnel, and revocation cuts the tunnel', async () => {
    const issued = JSON.parse(uservm(['bootstrap-token', 'create', '--name', 'netns-e2e', '--json'])) as {
      token: string;
      caCertificatePem: string;
    };
    const caFile = path.join(dir, 'ca.pem');
    fs.writeFileSync(caFile, issued.caCertificatePem);

    const enrolled = edgeCli([
      'enroll',
      '--endpoint',
      '203.0.113.1:8443',
      '--token',
      issued.token,
      '--name',
      'netns-edge',
      '--ca',
      caFile,
      '--state-dir',
      stateDir,
    ]);
    assert.ok(enrolled.ok, enrolled.out);
    const identity = JSON.parse(fs.readFileSync(path.join(stateDir, 'identity.json'), 'utf8'));
    assert.equal(identity.wireguard.edgeAddress, '198.51.100.2/32');
    assert.equal(identity.grpcEndpoint, '198.51.100.1:8443');
    assert.equal(fs.statSync(path.join(stateDir, 'wireguard.key')).mode & 0o777, 0o600);

    // The service added the peer with only the edge's public key.
    const peers = inNs(HUB, 'wg', ['show', WG_HUB, 'peers']);
    const edgePublic = sh('sh', ['-c', `wg pubkey < ${path.join(stateDir, 'wireguard.key')}`]).trim();
    assert.ok(peers.includes(edgePublic), `peer list: ${peers}`);

    // Bring the edge's side of the tunnel up with the keys and addresses from enrollment.
    inNs(EDGE, 'wireguard-go', [WG_EDGE]);
    inNs(EDGE, 'wg', [
      'set',
      WG_EDGE,
      'private-key',
      path.join(stateDir, 'wireguard.key'),
      'peer',
      identity.wireguard.serverPublicKey,
      'endpoint',
      identity.wireguard.serverEndpoint,
      'allowed-ips',
      '198.51.100.1/32',
      'persistent-keepalive',
      '1',
    ]);
    inNs(EDGE, 'ip', ['address', 'add', identity.wireguard.edgeAddress, 'dev', WG_EDGE]);
    inNs(EDGE, 'ip', ['link', 'set', 'up', 'dev', WG_EDGE]);
    inNs(EDGE, 'ip', ['route', 'add', '198.51.100.1/32', 'dev', WG_EDGE]);

    // Positive control for the check after revocation: the tunnel carries ICMP now.
    const pingBefore = spawnSync('ip', ['netns', 'exec', EDGE, 'ping', '-c', '1', '-W', '2', '198.51.100.1']);
    assert.equal(pingBefore.status, 0, `ping through the tunnel: ${pingBefore.stderr}`);

    const viaTunnel = edgeCli(['heartbeat', '--state-dir', stateDir]);
    assert.ok(viaTunnel.ok, viaTunnel.out);
    assert.ok(JSON.parse(viaTunnel.out).rttMs > 0);
    const synced = edgeCli(['sync', '--state-dir', stateDir, '--cameras', 'netns-cam:0']);
    assert.ok(synced.ok, synced.out);

    // Outside the tunnel the same certificate is refused: requireTunnel is on.
    const viaUnderlay = edgeCli([
      'heartbeat',
      '--state-dir',
      stateDir,
      '--endpoint',
      '203.0.113.1:8443',
      '--server-name',
      '203.0.113.1',
    ]);
    assert.equal(viaUnderlay.ok, false);
    assert.match(viaUnderlay.out, /WireGuard tunnel/);

    const dump = inNs(HUB, 'wg', ['show', WG_HUB, 'latest-handshakes']);
    assert.match(
      dump,
      new RegExp(`${edgePublic.replace(/[+/]/g, '\\$&')}\\s+[1-9]\\d+`),
      'a handshake happened',
    );
    const edges = JSON.parse(uservm(['edge', 'list', '--json'])) as {
      id: string;
      online: boolean;
      wireguard: { latestHandshakeAt: string | null; rxBytes: number };
    }[];
    assert.equal(edges[0]!.online, true);
    assert.ok(edges[0]!.wireguard.latestHandshakeAt, 'handshake visible to the administrator');
    assert.ok(edges[0]!.wireguard.rxBytes > 0);

    uservm(['edge', 'revoke', edges[0]!.id, '--reason', 'e2e']);
    assert.ok(!inNs(HUB, 'wg', ['show', WG_HUB, 'peers']).includes(edgePublic), 'peer removed');
    const ping = spawnSync('ip', ['netns', 'exec', EDGE, 'ping', '-c', '2', '-W', '1', '198.51.100.1']);
    assert.notEqual(ping.status, 0, 'the tunnel no longer carries traffic');
    const afterRevoke = edgeCli(['heartbeat', '--state-dir', stateDir, '--timeout-ms', '3000']);
    assert.equal(afterRevoke.ok, false);
  });
});

if (why)
  describe('WireGuard tunnel between two network namespaces', () =>
    it(`skipped: ${why}`, { skip: true }, () => {}));
