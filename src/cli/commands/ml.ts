import { type Command, InvalidArgumentError } from 'commander';
import { importDataset, train } from '../ml-tasks.js';
import { apiClient, runApi as run, withApiOptions, type ApiOptions } from '../api-context.js';

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
};

export function datasetCommand(program: Command): void {
  const cmd = program
    .command('dataset')
    .description('labelled snapshot datasets (through the running service)');
  withApiOptions(
    cmd
      .command('import <source>')
      .description('import a ZIP, or a folder laid out as <label>/<image>, into a dataset')
      .option('--dataset <id>', 'an existing dataset')
      .option('--camera <id>', 'create a new dataset for this camera')
      .option('--name <name>', 'name of the new dataset'),
  ).action(
    async (source: string, opts: ApiOptions & { dataset?: string; camera?: string; name?: string }) => {
      const api = apiClient(program, opts);
      const r = await run(() =>
        importDataset(api, {
          source,
          ...(opts.dataset ? { datasetId: opts.dataset } : {}),
          ...(opts.camera ? { cameraId: opts.camera } : {}),
          ...(opts.name ? { name: opts.name } : {}),
        }),
      );
      console.log(
        `dataset ${r.datasetId}: ${r.accepted} imported, ${r.duplicates} duplicates skipped, ${r.refused.length} refused`,
      );
      for (const line of r.refused) console.log(`  refused ${line}`);
    },
  );
}

export function trainCommand(program: Command): void {
  withApiOptions(
    program
      .command('train')
      .description("train a camera's anomaly model and follow its progress")
      .requiredOption('--camera <id>', 'the camera')
      .option('--dataset <id>', "dataset (default: the camera's default dataset)")
      .option('--epochs <n>', 'epochs (default: training.epochs)', positive)
      .option('--seed <n>', 'seed for a repeatable run', positive)
      .option('--no-follow', 'queue it and return'),
  ).action(
    async (
      opts: ApiOptions & {
        camera: string;
        dataset?: string;
        epochs?: number;
        seed?: number;
        follow: boolean;
      },
    ) => {
      const api = apiClient(program, opts);
      const r = await run(() =>
        train(
          api,
          {
            cameraId: opts.camera,
            follow: opts.follow,
            ...(opts.dataset ? { datasetId: opts.dataset } : {}),
            ...(opts.epochs ? { epochs: opts.epochs } : {}),
            ...(opts.seed ? { seed: opts.seed } : {}),
          },
          (line) => console.log(line),
        ),
      );
      if (opts.follow && r.status !== 'succeeded') process.exit(1);
    },
  );
}
