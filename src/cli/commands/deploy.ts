import { type Command, InvalidArgumentError } from 'commander';
import { apiClient, runApi as run, withApiOptions, type ApiOptions } from '../api-context.js';

const share = (v: string) => {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('must be between 0 and 1');
  return n;
};
const whole = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a whole number');
  return n;
};
const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

interface Plan {
  accepted: string[];
  refused: { cameraId: string; reasons: string[] }[];
  skipped: { cameraId: string; reason: string }[];
  canary: string[];
  pending: string[];
}

/** `uservm models`, `uservm deploy` and `uservm rollback`, through the running service's API. */
export function deployCommands(program: Command): void {
  withApiOptions(
    program.command('models').description('list model versions').option('--camera <id>', 'only this camera'),
  ).action(async (opts: ApiOptions & { camera?: string }) => {
    const client = apiClient(program, opts);
    const r = await run(() =>
      client.request<{
        items: { id: string; version: string; cameraId: string | null; status: string; size: number }[];
      }>('GET', `/api/v1/models${opts.camera ? `?cameraId=${encodeURIComponent(opts.camera)}` : ''}`),
    );
    for (const m of r.items)
      console.log(
        `${m.id}  ${m.version.padEnd(8)} ${m.status.padEnd(8)} ${(m.cameraId ?? '(any camera)').padEnd(20)} ${m.size} bytes`,
      );
  });

  withApiOptions(
    program
      .command('deploy')
      .description('deploy a model version to cameras and print what happens to each')
      .requiredOption('--model <id>', 'model version id')
      .option('--cameras <ids>', 'comma-separated camera ids', list)
      .option('--edge <id>', 'every camera of this edge')
      .option('--match <glob>', 'every camera whose id or name matches, e.g. "garden-*"')
      .option('--canary <share>', 'staged: share of cameras first (0..1)', share)
      .option('--soak <seconds>', 'staged: wait this long before the rest', whole)
      .option('--abort <share>', 'staged: abort when this share of the canaries fail', share)
      .option('--priority <n>', 'higher wins over newer lower-priority deployments', whole)
      .option('--pin', 'pin the cameras to this version'),
  ).action(
    async (
      opts: ApiOptions & {
        model: string;
        cameras?: string[];
        edge?: string;
        match?: string;
        canary?: number;
        soak?: number;
        abort?: number;
        priority?: number;
        pin?: boolean;
      },
    ) => {
      const client = apiClient(program, opts);
      const target = {
        ...(opts.cameras ? { cameras: opts.cameras } : {}),
        ...(opts.edge ? { edgeId: opts.edge } : {}),
        ...(opts.match ? { match: opts.match } : {}),
      };
      const d = await run(() =>
        client.request<{ id: string; status: string; plan: Plan }>('POST', '/api/v1/deployments', {
          modelId: opts.model,
          target,
          strategy: opts.canary ? 'staged' : 'all_at_once',
          ...(opts.canary ? { canaryShare: opts.canary } : {}),
          ...(opts.soak !== undefined ? { soakSeconds: opts.soak } : {}),
          ...(opts.abort ? { abortFailureShare: opts.abort } : {}),
          ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
          ...(opts.pin ? { pin: true } : {}),
        }),
      );
      console.log(`deployment ${d.id}: ${d.status}`);
      if (d.plan.canary.length) console.log(`  now:     ${d.plan.canary.join(', ')}`);
      if (d.plan.pending.length)
        console.log(`  later:   ${d.plan.pending.join(', ')} (after the canary soak)`);
      for (const s of d.plan.skipped) console.log(`  skipped: ${s.cameraId}: ${s.reason}`);
      for (const r of d.plan.refused) console.log(`  refused: ${r.cameraId}: ${r.reasons.join('; ')}`);
    },
  );

  withApiOptions(
    program
      .command('rollback <deployment>')
      .description("roll a deployment's cameras back to their last good version")
      .option('--reason <text>', 'recorded in the audit log'),
  ).action(async (deployment: string, opts: ApiOptions & { reason?: string }) => {
    const client = apiClient(program, opts);
    const r = await run(() =>
      client.request<{ cameras: string[] }>('POST', `/api/v1/deployments/${deployment}/rollback`, {
        ...(opts.reason ? { reason: opts.reason } : {}),
      }),
    );
    console.log(r.cameras.length ? `rolled back: ${r.cameras.join(', ')}` : 'no camera was running it');
  });
}
