/**
 * What the benches that run the service in its own process share: a temp folder with a config, the
 * `uservm` CLI against it, the server process (`BENCH_PROF=<dir>` writes its CPU profile,
 * `BENCH_NODE_FLAGS` passes node flags, `BENCH_SERVER_STDOUT=<file>` keeps its stdout), its RSS and CPU time from /proc, and enrolled edges.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Transport } from '@connectrpc/connect';
import { createEdgeKeyMaterial } from '../../src/edge-client/credentials.js';
import { edgeClient, edgeTransport } from '../../src/edge-client/transport.js';
import { EnrollmentService } from '../../src/gen/guardian/edge/v1/enrollment_pb.js';
import { SERVICE_V8_FLAGS } from '../../src/app/runtime-tuning.js';

export const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const tsx = path.join(root, 'node_modules/tsx/dist/esm/index.mjs');

export interface BenchService {
  dir: string;
  config: string;
  /** `uservm <args>` with this config; returns stdout. */
  cli(args: string[]): string;
  /** Starts `uservm serve` (the built dist/) in its own process. */
  start(): ChildProcess;
  /** Stops the server (waiting for it to exit) and removes the folder. */
  stop(server: ChildProcess | undefined): Promise<void>;
}

/** A temp folder with `config.yaml` (`yaml` gets the folder to place dataDir in). */
export function benchService(name: string, yaml: (dir: string) => string): BenchService {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `uvm-bench-${name}-`));
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(config, yaml(dir));
  return {
    dir,
    config,
    cli: (args) =>
      execFileSync(
        process.execPath,
        ['--import', tsx, path.join(root, 'src/cli/main.ts'), '--config', config, ...args],
        { encoding: 'utf8' },
      ),
    start: () =>
      spawn(
        process.execPath,
        [
          ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : []),
          // As `npm start` and the container image start it.
          ...SERVICE_V8_FLAGS,
          ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []),
          path.join(root, 'dist/cli/main.js'),
          '--config',
          config,
          'serve',
        ],
        // BENCH_SERVER_STDOUT=<file> keeps what the server prints (e.g. BENCH_NODE_FLAGS=--trace-gc).
        {
          stdio: [
            'ignore',
            process.env.BENCH_SERVER_STDOUT ? fs.openSync(process.env.BENCH_SERVER_STDOUT, 'w') : 'ignore',
            'inherit',
          ],
        },
      ),
    stop: async (server) => {
      if (server && server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

/** utime + stime of a process, ms (clock ticks are 10 ms on Linux). */
export function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Waits until the edge API answers (an enrollment without a token is refused, not unreachable). */
export async function waitForEdgeApi(endpoint: string, caPem: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await edgeClient(EnrollmentService, edgeTransport({ endpoint, caPem })).enroll({});
    } catch (err) {
      if (!/ECONNREFUSED/.test(String(err))) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * Enrols `count` edges named `${prefix}-${i}` (20 at a time; key generation is on this side), each
 * with its own transport: its own HTTP/2 connection and client certificate.
 */
export async function enrollBenchEdges(opts: {
  endpoint: string;
  caPem: string;
  token: string;
  count: number;
  prefix: string;
}): Promise<{ index: number; transport: Transport; certPem: string; keyPem: string }[]> {
  const { endpoint, caPem } = opts;
  const edges: { index: number; transport: Transport; certPem: string; keyPem: string }[] = [];
  for (let i = 0; i < opts.count; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, opts.count - i) }, async (_, k) => {
        const name = `${opts.prefix}-${i + k}`;
        const keys = await createEdgeKeyMaterial(name);
        const res = await edgeClient(EnrollmentService, edgeTransport({ endpoint, caPem })).enroll({
          bootstrapToken: opts.token,
          edgeName: name,
          wireguardPublicKey: keys.wireguard.publicKey,
          csrPem: keys.csrPem,
        });
        edges.push({
          index: i + k,
          certPem: res.certificatePem,
          keyPem: keys.tlsKeyPem,
          transport: edgeTransport({ endpoint, caPem, certPem: res.certificatePem, keyPem: keys.tlsKeyPem }),
        });
      }),
    );
  }
  return edges.sort((a, b) => a.index - b.index);
}
