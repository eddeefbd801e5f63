import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeService, type ComposeOptions, type Service } from '../app/compose.js';
import { loadConfig } from '../config/load.js';
import { silentLogger } from './silent-logger.js';

/** A fully composed service on a temp data dir, with its first admin token captured. */
export async function testService(
  overrides: Record<string, unknown> = {},
  options: ComposeOptions = {},
): Promise<{
  service: Service;
  adminToken: string;
  dataDir: string;
  close(): Promise<void>;
}> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-svc-'));
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      'log.level': 'silent',
      'database.strictTransactions': true,
      // Tests name their epochs; the product's minimum step count would stretch them to minutes.
      'training.minSteps': 0,
      ...overrides,
    },
  });
  let adminToken = '';
  const service = await composeService(config, silentLogger, {
    ...options,
    onInitialAdminToken: (t) => (adminToken = t),
  });
  await service.http.ready();
  return {
    service,
    adminToken,
    dataDir,
    close: async () => {
      await closeTestService(service);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Stops everything a composed service runs (for tests that compose one themselves). */
export function closeTestService(service: Service): Promise<void> {
  return service.close(1000);
}
