import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ANALYSIS_JOB } from '../analysis/analysis-job.js';
import { LEARN_NORMAL_JOB } from '../analysis/normal-frame-service.js';
import { BASELINE_JOB } from '../baseline/baseline-service.js';
import { ARCHIVE_JOB } from '../events/archive-job.js';
import { RECONCILE_JOB, RETENTION_JOB } from '../events/retention-jobs.js';
import { ADVANCE_JOB } from '../models/models-module.js';
import { HEALTH_JOB } from '../health/health-job.js';
import { TELEMETRY_ROLLUP_JOB } from '../telemetry/rollup-job.js';
import { TRAINING_JOB } from '../training/training-service.js';
import type { JobQueue } from './job-queue.js';
import { DECLARED_JOB_TYPES, describeJob } from './job-types.js';

it('declares every job type the capabilities define, each with a description, and nothing else', () => {
  const defined = [
    ANALYSIS_JOB,
    LEARN_NORMAL_JOB,
    BASELINE_JOB,
    ARCHIVE_JOB,
    RETENTION_JOB,
    RECONCILE_JOB,
    ADVANCE_JOB,
    HEALTH_JOB,
    TELEMETRY_ROLLUP_JOB,
    TRAINING_JOB,
  ];
  assert.deepEqual([...DECLARED_JOB_TYPES].sort(), [...defined].sort());
  for (const type of DECLARED_JOB_TYPES) assert.ok(describeJob(type), `${type} is described`);
});

it('type-checks payloads of known job types (compile-time: typecheck fails if these stop erroring)', () => {
  // Never called: the checks are the compiler's.
  const misuse = (queue: JobQueue) => {
    // @ts-expect-error the analysis job needs the event id
    void queue.enqueue(ANALYSIS_JOB, {});
    // @ts-expect-error a baseline build's mode is full or incremental
    void queue.enqueue(BASELINE_JOB, { cameraId: 'c', mode: 'sometimes' });
    // Types outside the map (tests register their own) take any payload.
    void queue.enqueue('test.anything', { whatever: 1 });
  };
  assert.equal(typeof misuse, 'function');
});
