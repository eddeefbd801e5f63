import { type Command, InvalidArgumentError } from 'commander';
import { DomainEventBus } from '../../app/domain-events.js';
import { VERSION } from '../../app/version.js';
import { createEdgesModule, type EdgesModule } from '../../edges/edges-module.js';
import { isAppError } from '../../errors/app-error.js';
import { createLogger } from '../../logging/logger.js';
import { ServiceMetrics } from '../../metrics/metrics.js';
import { fail, loadConfigOrExit, openMigratedDatabase, type GlobalOptions } from '../context.js';

/** The edge services on the service's own database (safe while it runs: WAL, per-call identity checks). */
async function withEdges<T>(program: Command, fn: (edges: EdgesModule) => Promise<T>): Promise<T> {
  const config = loadConfigOrExit(program.opts<GlobalOptions>());
  const handle = openMigratedDatabase(config);
  const log = createLogger({ level: 'warn', format: 'pretty' });
  try {
    return await fn(
      await createEdgesModule(config, handle.db, new DomainEventBus(), new ServiceMetrics(VERSION), log),
    );
  } catch (err) {
    if (isAppError(err)) fail(err.message);
    throw err;
  } finally {
    await handle.close();
  }
}

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
function number(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

export function bootstrapTokenCommand(program: Command): void {
  const cmd = program.command('bootstrap-token').description('manage tokens that let edges enrol');
  cmd
    .command('create')
    .description(
      'create a bootstrap token (shown once) and print it with the CA certificate the edge must trust',
    )
    .requiredOption('--name <name>', 'where the edge goes, e.g. "home"')
    .option('--expires-in-hours <hours>', 'validity (default 24, at most 720)', number)
    .option('--max-uses <n>', 'how many edges may enrol with it (default 1)', number)
    .option('--cameras <ids>', 'comma-separated camera ids the edge may use (default: any)', list)
    .option('--labels <labels>', 'comma-separated custom snapshot labels it may use', list)
    .option(
      '--reenroll <edge-id>',
      'a single-use token that re-enrols this existing edge (new keys, same name)',
    )
    .option('--json', 'print JSON (token, CA certificate, details)')
    .action(
      async (opts: {
        name: string;
        expiresInHours?: number;
        maxUses?: number;
        cameras?: string[];
        labels?: string[];
        reenroll?: string;
        json?: boolean;
      }) => {
        const out = await withEdges(program, async (edges) => {
          const { token, view } = await edges.bootstrapTokens.create({
            name: opts.name,
            createdBy: 'cli',
            ...(opts.expiresInHours ? { expiresInHours: opts.expiresInHours } : {}),
            ...(opts.maxUses ? { maxUses: opts.maxUses } : {}),
            ...(opts.cameras ? { allowedCameras: opts.cameras } : {}),
            ...(opts.labels ? { allowedLabels: opts.labels } : {}),
            ...(opts.reenroll ? { reenrollEdgeId: opts.reenroll } : {}),
          });
          return {
            token,
            caCertificatePem: edges.ca.certPem,
            enrollmentEndpoint: edges.enrollmentEndpoint,
            ...view,
          };
        });
        if (opts.json) return console.log(JSON.stringify(out, null, 2));
        console.log(
          `${out.token}\n\nbootstrap token "${out.name}": ${out.maxUses} use(s), expires ${out.expiresAt}; not shown again.`,
        );
        console.log(`Enrol at ${out.enrollmentEndpoint}, trusting this CA:\n\n${out.caCertificatePem}`);
      },
    );
  cmd
    .command('list')
    .description('list bootstrap tokens and their state')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const items = await withEdges(program, (edges) => edges.bootstrapTokens.list());
      if (opts.json) return console.log(JSON.stringify(items, null, 2));
      console.table(
        items.map((t) => ({
          id: t.id,
          name: t.name,
          state: t.state,
          uses: `${t.useCount}/${t.maxUses}`,
          expires: t.expiresAt,
          cameras: t.allowedCameras?.join(',') ?? 'any',
        })),
      );
    });
  cmd
    .command('revoke <id>')
    .description('revoke a bootstrap token (edges already enrolled stay)')
    .action(async (id: string) => {
      const view = await withEdges(program, (edges) => edges.bootstrapTokens.revoke(id));
      console.log(`revoked bootstrap token "${view.name}" (${view.id})`);
    });
}

export function edgeCommand(program: Command): void {
  const cmd = program.command('edge').description('inspect and revoke enrolled edges');
  cmd
    .command('list')
    .description('list edges with status, liveness and tunnel address')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const items = await withEdges(program, (edges) => edges.registry.list());
      if (opts.json) return console.log(JSON.stringify(items, null, 2));
      console.table(
        items.map((e) => ({
          id: e.id,
          name: e.name,
          status: e.status,
          online: e.online,
          address: e.wireguard.address,
          lastSeen: e.lastSeenAt ?? '-',
          version: e.softwareVersion ?? '-',
        })),
      );
    });
  cmd
    .command('revoke <id>')
    .description('revoke an edge: its next call fails and its WireGuard peer is removed')
    .option('--reason <text>', 'recorded with the revocation')
    .action(async (id: string, opts: { reason?: string }) => {
      const view = await withEdges(program, (edges) => edges.registry.revoke(id, opts.reason ?? null));
      console.log(`revoked edge "${view.name}" (${view.id})`);
    });
}
