import { type Command, InvalidArgumentError, Option } from 'commander';
import { ApiTokenRepository } from '../../auth/api-token-repository.js';
import { ApiTokenService, type Role } from '../../auth/api-token-service.js';
import { isAppError } from '../../errors/app-error.js';
import { fail, loadConfigOrExit, openMigratedDatabase, type GlobalOptions } from '../context.js';

async function withTokens<T>(program: Command, fn: (tokens: ApiTokenService) => Promise<T>): Promise<T> {
  const config = loadConfigOrExit(program.opts<GlobalOptions>());
  const handle = openMigratedDatabase(config);
  try {
    return await fn(new ApiTokenService(new ApiTokenRepository(handle.db)));
  } catch (err) {
    if (isAppError(err)) fail(err.message);
    throw err;
  } finally {
    await handle.close();
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError('must be a whole number of days, at least 1');
  return n;
}

export function tokenCommand(program: Command): void {
  const token = program.command('token').description('manage API tokens for the REST API');

  token
    .command('create')
    .description('create an API token and print it (shown once)')
    .requiredOption('--name <name>', 'what the token is for, e.g. "grafana"')
    .addOption(
      new Option('--role <role>', 'admin may change things; viewer may only read')
        .choices(['admin', 'viewer'])
        .default('viewer'),
    )
    .option('--expires-in-days <days>', 'expire after this many days (default: never)', positiveInt)
    .option('--json', 'print JSON instead of text')
    .action(async (opts: { name: string; role: Role; expiresInDays?: number; json?: boolean }) => {
      const { token: text, view } = await withTokens(program, (tokens) =>
        tokens.create({
          name: opts.name,
          role: opts.role,
          createdBy: 'cli',
          ...(opts.expiresInDays ? { expiresAt: Date.now() + opts.expiresInDays * 86_400_000 } : {}),
        }),
      );
      if (opts.json) console.log(JSON.stringify({ token: text, ...view }, null, 2));
      else
        console.log(`${text}\n\n(${view.role} token "${view.name}", id ${view.id}; it is not shown again)`);
    });

  token
    .command('list')
    .description('list API tokens (without their secret part)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = await withTokens(program, (tokens) => tokens.list());
      if (opts.json) return console.log(JSON.stringify(list, null, 2));
      console.table(
        list.map((t) => ({
          id: t.id,
          name: t.name,
          role: t.role,
          prefix: t.prefix,
          created: t.createdAt,
          expires: t.expiresAt ?? '-',
          revoked: t.revokedAt ?? '-',
        })),
      );
    });

  token
    .command('revoke <id>')
    .description('revoke an API token; it is refused from the next request on')
    .action(async (id: string) => {
      const view = await withTokens(program, (tokens) => tokens.revoke(id));
      console.log(`revoked token "${view.name}" (${view.id}) at ${view.revokedAt}`);
    });
}
