/**
 * Every job type the service runs, with its payload: the one map names and payloads come from.
 * `JobQueue.enqueue` checks a payload against it, each capability's type constant is checked
 * with `satisfies JobType`, and start-up fails when a type here has no registered handler.
 */

/** Periodic jobs take no payload. */
export type Scheduled = Record<string, never>;

export interface JobPayloads {
  'events.archive': { eventId: string };
  'events.retention': Scheduled;
  'storage.reconcile': Scheduled;
  'training.run': { trainingJobId: string };
  'baseline.build': { cameraId: string; mode: 'full' | 'incremental' };
  'events.analyze': { eventId: string };
  'events.learn-normal-frame': { eventId: string; cameraId: string; frame: number; snapshotId: string };
  'deployments.advance': Scheduled;
  'telemetry.rollup': Scheduled;
  'health.evaluate': Scheduled;
}

export type JobType = keyof JobPayloads;

/** A known type's payload; a type outside the map (tests register their own) takes anything. */
export type PayloadOf<T extends string> = T extends JobType ? JobPayloads[T] : unknown;

/** What each job does (for logs and operators); the compiler keeps this complete. */
const DESCRIPTIONS: { [K in JobType]: string } = {
  'events.archive': "uploads an event's encrypted objects from the spool to the object store",
  'events.retention': 'deletes events past their retention or over their quota',
  'storage.reconcile': 'recounts storage usage against the object store',
  'training.run': "trains, calibrates and exports a camera's edge model",
  'baseline.build': "builds a camera's baseline of normal objects with the big detector",
  'events.analyze': 'analyses an event against its baseline and scores its risk',
  'events.learn-normal-frame': "adds an event frame to the camera's normal snapshots and baseline",
  'deployments.advance': 'moves staged model rollouts forward or rolls them back',
  'telemetry.rollup': 'rolls edge telemetry up into time buckets',
  'health.evaluate': 'evaluates edge and camera health and records transitions',
};

export const DECLARED_JOB_TYPES = Object.keys(DESCRIPTIONS) as JobType[];

export const describeJob = (type: string): string | undefined => DESCRIPTIONS[type as JobType];
