import type { Service } from './compose.js';

type Parts = Pick<
  Service,
  'readiness' | 'jobs' | 'http' | 'edges' | 'events' | 'vision' | 'analysis' | 'checkpointer' | 'database'
>;

/**
 * The one shutdown order, for the server, the demo and tests alike: mark not ready, stop
 * scheduling, stop taking requests and edge calls while running jobs finish (or go back to the
 * queue at the deadline), then release worker threads, the detector and scorers, stop the WAL
 * checkpointer and close the database last, since everything before may still write to it.
 * Safe on a service that never started serving: stopping what never started is a no-op.
 */
export async function closeInOrder(s: Parts, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  s.readiness.markShuttingDown();
  s.jobs.scheduler.stop();
  await Promise.all([s.http.close(), s.edges.stop(), s.jobs.runner.stop(Math.max(0, deadline - Date.now()))]);
  await s.events.close();
  await s.vision.close();
  s.analysis.close();
  await s.checkpointer.stop();
  await s.database.close();
}
