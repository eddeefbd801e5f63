import type { Config } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import { composeService, type ComposeOptions, type Service } from './compose.js';

export interface RunningService {
  service: Service;
  /** host:port actually bound (port 0 picks a free one). */
  address: { host: string; port: number };
  stop(reason: string): Promise<void>;
}

/**
 * Starts everything and returns a handle whose stop() shuts down in order: mark not ready, stop
 * accepting requests and finish in-flight ones, let running jobs finish (or hand them back to the
 * queue at the deadline), close the database.
 */
export async function startService(
  config: Config,
  log: Logger,
  options: ComposeOptions = {},
): Promise<RunningService> {
  const service = await composeService(config, log, options);
  service.checkpointer.start();
  service.jobs.runner.start();
  service.jobs.scheduler.start();
  try {
    await service.edges.start();
    await service.http.listen({ host: config.server.host, port: config.server.port });
  } catch (err) {
    await service.close(0);
    throw err;
  }
  // The first event should not wait for the model to load; a failure shows in /readyz (detector).
  if (config.vision.warmUp && config.analysis.enabled)
    void service.vision
      .warmUp()
      .then(() => log.info('detector loaded'))
      .catch((err: unknown) => log.error({ err }, 'the detector failed to load'));
  const bound = service.http.server.address();
  const address =
    typeof bound === 'object' && bound
      ? { host: bound.address, port: bound.port }
      : { host: config.server.host, port: config.server.port };
  log.info(
    {
      address: `http://${address.host}:${address.port}`,
      docs: `http://${address.host}:${address.port}/docs`,
      storage: service.blobStore.kind,
    },
    'uservm is serving',
  );

  let stopping: Promise<void> | undefined;
  const stop = (reason: string) => {
    stopping ??= (async () => {
      log.info({ reason, deadlineMs: config.server.shutdownTimeoutMs }, 'shutting down');
      await service.close(config.server.shutdownTimeoutMs);
      log.info('shutdown complete');
    })();
    return stopping;
  };
  return { service, address, stop };
}

/** SIGTERM/SIGINT stop the service gracefully; a second signal or the deadline forces exit. */
export function stopOnSignals(running: RunningService, config: Config, log: Logger): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    signalled = true;
    const force = setTimeout(() => {
      log.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, config.server.shutdownTimeoutMs + 5_000);
    force.unref();
    running.stop(signal).then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
