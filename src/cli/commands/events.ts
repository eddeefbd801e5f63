import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { apiClient, runApi as run, withApiOptions, type ApiOptions } from '../api-context.js';
import { parseIdentityFile, teachNormal } from '../teach-normal.js';

const frameIndex = (v: string, previous: number[] = []) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('frames are numbered from 0');
  return [...previous, n];
};

/** `uservm event normal`: teach a camera from a false positive, decrypting on this machine. */
export function eventCommand(program: Command): void {
  const cmd = program.command('event').description("work with a camera's events");
  withApiOptions(
    cmd
      .command('normal <eventId>')
      .description(
        "add an event's frames to its camera's normal snapshots (decrypted here with the owner's key) and show the re-score",
      )
      .requiredOption('-i, --identity <file>', "the owner's age identity file (AGE-SECRET-KEY-...)")
      .option('--frame <n>', 'frame to add (repeatable; default 0)', frameIndex)
      .option('--no-follow', 'queue the re-score and return'),
  ).action(
    async (eventId: string, opts: ApiOptions & { identity: string; frame?: number[]; follow: boolean }) => {
      const api = apiClient(program, opts);
      await run(async () =>
        teachNormal(
          api,
          {
            eventId,
            frames: opts.frame ?? [0],
            identities: parseIdentityFile(await readFile(opts.identity, 'utf8')),
            follow: opts.follow,
          },
          (line) => console.log(line),
        ),
      );
    },
  );
}
