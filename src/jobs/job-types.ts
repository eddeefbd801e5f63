/**
 * Job types the service declares. Each capability adds its types here and registers a handler at
 * composition (src/app/compose.ts); start-up fails when one has no handler.
 */
export const DECLARED_JOB_TYPES: readonly string[] = [
  'events.archive',
  'events.retention',
  'storage.reconcile',
  'training.run',
  'baseline.build',
  'events.analyze',
  'events.learn-normal-frame',
  'deployments.advance',
];
