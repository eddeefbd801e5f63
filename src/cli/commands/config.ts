import type { Command } from 'commander';
import { loadConfigOrExit, type GlobalOptions } from '../context.js';

export function configCommand(program: Command): void {
  program
    .command('config')
    .description('validate the configuration and print it with defaults filled in (secrets masked)')
    .action(() => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const masked = JSON.parse(JSON.stringify(config), (key, value) =>
        /secret|password/i.test(key) ? '***' : value,
      );
      console.log(JSON.stringify(masked, null, 2));
    });
}
