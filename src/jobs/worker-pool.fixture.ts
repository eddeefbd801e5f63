// Worker module for worker-pool.test.ts.
import { createHash } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import { serveWorkerTasks } from './worker-protocol.js';
import { AppError } from '../errors/app-error.js';

serveWorkerTasks({
  hash: (payload: { rounds: number }, ctx) => {
    let h = Buffer.alloc(32);
    for (let i = 0; i < payload.rounds; i++) {
      h = createHash('sha256').update(h).digest();
      if (i % 1000 === 0) ctx.progress({ done: i });
    }
    return { threadId, hex: h.toString('hex') };
  },
  fail: () => {
    throw new Error('bad input');
  },
  crash: () => process.exit(3),
  refuse: () => {
    throw new AppError('validation_failed', 'frame 2: too large', { frame: 2 });
  },
});
