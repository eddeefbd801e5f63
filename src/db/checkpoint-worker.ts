// Worker thread that checkpoints the SQLite WAL on its own connection (see wal-checkpointer.ts).
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const { path, intervalMs, busyTimeoutMs } = workerData as {
  path: string;
  intervalMs: number;
  busyTimeoutMs: number;
};
const db = new BetterSqlite3(path, { fileMustExist: true, timeout: busyTimeoutMs });

function checkpoint(mode: 'PASSIVE' | 'TRUNCATE'): void {
  // PASSIVE never waits for the service's writer or readers: it copies what it can and stops.
  db.pragma(`wal_checkpoint(${mode})`);
}

const timer = setInterval(() => {
  try {
    checkpoint('PASSIVE');
  } catch (err) {
    parentPort!.postMessage({ kind: 'error', message: (err as Error).message });
  }
}, intervalMs);

parentPort!.on('message', (message: { kind: 'stop' }) => {
  if (message.kind !== 'stop') return;
  clearInterval(timer);
  try {
    checkpoint('TRUNCATE');
  } catch {
    // the service's own close checkpoints what is left
  }
  db.close();
  parentPort!.close();
});
