import { Type } from '@sinclair/typebox';
import { StringEnum } from '../../schemas.js';

export const JobStatus = StringEnum(['queued', 'running', 'succeeded', 'dead', 'cancelled'] as const);

export const JobView = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    status: JobStatus,
    payload: Type.Unknown(),
    attempts: Type.Integer(),
    maxAttempts: Type.Integer(),
    progress: Type.Unknown({
      description: 'Last progress the job reported: fraction 0..1, message, and job-specific fields.',
    }),
    result: Type.Unknown(),
    lastError: Type.Union([Type.String(), Type.Null()]),
    cancelRequested: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    runAt: Type.String({ format: 'date-time' }),
    startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { title: 'Job' },
);
