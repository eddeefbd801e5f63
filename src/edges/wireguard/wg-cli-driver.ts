import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../../logging/logger.js';
import type { PeerStatus, WireGuardDriver, WireGuardPeer } from './driver.js';

const run = promisify(execFile);

export interface WgCliOptions {
  interfaceName: string;
  listenPort: number;
  /** The service's tunnel address with prefix, e.g. 100.96.0.1/24. */
  address: string;
  privateKey: string;
  publicKey: string;
  netns?: string;
  userspaceBinary: string;
  persistentKeepaliveSeconds: number;
}

/**
 * The real interface, through `ip` and `wg` (wireguard-tools). Uses the kernel module when it
 * exists, else the userspace wireguard-go. Peers are applied with `wg syncconf`, which changes only
 * what differs: live peers keep their sessions.
 */
export class WgCliDriver implements WireGuardDriver {
  readonly kind = 'wg' as const;
  readonly publicKey: string;

  constructor(
    private readonly options: WgCliOptions,
    private readonly log: Logger,
  ) {
    this.publicKey = options.publicKey;
  }

  async start(): Promise<void> {
    const dev = this.options.interfaceName;
    if (!(await this.exists())) {
      try {
        await this.exec('ip', ['link', 'add', 'dev', dev, 'type', 'wireguard']);
        this.log.info({ dev }, 'created WireGuard interface (kernel module)');
      } catch (err) {
        this.log.info(
          { dev, why: (err as Error).message.split('\n')[0] },
          'no kernel WireGuard; starting the userspace implementation',
        );
        await this.exec(this.options.userspaceBinary, [dev]);
        for (let i = 0; i < 50 && !(await this.exists()); i++) await new Promise((r) => setTimeout(r, 100));
        if (!(await this.exists()))
          throw new Error(`${this.options.userspaceBinary} did not create interface ${dev}`);
      }
    }
    await this.exec('ip', ['address', 'replace', this.options.address, 'dev', dev]);
    await this.applyConfig([]); // key and port, keeping whatever peers a previous run left until the first sync
    await this.exec('ip', ['link', 'set', 'up', 'dev', dev]);
  }

  async syncPeers(peers: WireGuardPeer[]): Promise<void> {
    await this.applyConfig(peers, true);
  }

  async peerStatus(): Promise<PeerStatus[]> {
    const { stdout } = await this.exec('wg', ['show', this.options.interfaceName, 'dump']);
    return stdout
      .trim()
      .split('\n')
      .slice(1) // the first line describes the interface itself
      .filter(Boolean)
      .map((line) => {
        const [publicKey, , endpoint, , handshake, rx, tx] = line.split('\t');
        const hs = Number(handshake);
        return {
          publicKey: publicKey!,
          endpoint: endpoint && endpoint !== '(none)' ? endpoint : null,
          latestHandshakeAt: hs > 0 ? hs * 1000 : null,
          rxBytes: Number(rx),
          txBytes: Number(tx),
        };
      });
  }

  /** Writes a full config (0600, removed right after) and applies it; without peers = setconf-less key update. */
  private async applyConfig(peers: WireGuardPeer[], includePeers = false): Promise<void> {
    const dev = this.options.interfaceName;
    if (!includePeers) {
      const keyFile = path.join(os.tmpdir(), `uvm-wg-${randomUUID()}.key`);
      await fs.writeFile(keyFile, this.options.privateKey, { mode: 0o600 });
      try {
        await this.exec('wg', [
          'set',
          dev,
          'listen-port',
          String(this.options.listenPort),
          'private-key',
          keyFile,
        ]);
      } finally {
        await fs.rm(keyFile, { force: true });
      }
      return;
    }
    const lines = [
      '[Interface]',
      `PrivateKey = ${this.options.privateKey}`,
      `ListenPort = ${this.options.listenPort}`,
      '',
    ];
    for (const peer of peers) {
      lines.push('[Peer]', `PublicKey = ${peer.publicKey}`, `AllowedIPs = ${peer.allowedIps.join(', ')}`);
      if (this.options.persistentKeepaliveSeconds > 0)
        lines.push(`PersistentKeepalive = ${this.options.persistentKeepaliveSeconds}`);
      lines.push('');
    }
    const file = path.join(os.tmpdir(), `uvm-wg-${randomUUID()}.conf`);
    await fs.writeFile(file, lines.join('\n'), { mode: 0o600 });
    try {
      await this.exec('wg', ['syncconf', dev, file]);
    } finally {
      await fs.rm(file, { force: true });
    }
  }

  private async exists(): Promise<boolean> {
    try {
      await this.exec('ip', ['link', 'show', 'dev', this.options.interfaceName]);
      return true;
    } catch {
      return false;
    }
  }

  private exec(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
    const [file, argv] = this.options.netns
      ? ['ip', ['netns', 'exec', this.options.netns, cmd, ...args]]
      : [cmd, args];
    return run(file, argv, { timeout: 10_000 });
  }
}
