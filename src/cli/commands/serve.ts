import type { Command } from 'commander';
import { tuneRuntimeForService } from '../../app/runtime-tuning.js';
import { startService, stopOnSignals } from '../../app/server.js';
import { createLogger } from '../../logging/logger.js';
import { loadConfigOrExit, type GlobalOptions } from '../context.js';

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'run the service: REST API and console, edge gRPC API, WireGuard, background jobs (training, analysis, archiving)',
    )
    .option('--host <host>', 'listen address (server.host)')
    .option('--port <port>', 'listen port (server.port)', (v) => Number(v))
    .action(async (opts: { host?: string; port?: number }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>(), {
        'server.host': opts.host,
        'server.port': opts.port,
      });
      const log = createLogger(config.log);
      tuneRuntimeForService();
      try {
        const running = await startService(config, log);
        stopOnSignals(running, config, log);
      } catch (err) {
        log.fatal({ err }, 'could not start');
        await new Promise((r) => setTimeout(r, 100)); // let the logger flush
        process.exit(1);
      }
    });
}
