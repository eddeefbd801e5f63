import { Type } from '@sinclair/typebox';
import type { DeploymentRow } from '../../../models/model-repository.js';
import type { RouteDeps } from '../deps.js';

export const DeploymentView = Type.Object({
  id: Type.String(),
  modelId: Type.String(),
  strategy: Type.String(),
  status: Type.String({ description: 'canary, active, aborted, rolled_back or refused' }),
  priority: Type.Integer(),
  canaryShare: Type.Union([Type.Number(), Type.Null()]),
  soakSeconds: Type.Union([Type.Integer(), Type.Null()]),
  abortFailureShare: Type.Union([Type.Number(), Type.Null()]),
  rollbackOf: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  plan: Type.Unknown({
    description:
      'request, accepted cameras, refused (with reasons per camera), skipped (pinned), canary, pending',
  }),
  cameras: Type.Array(
    Type.Object({
      cameraId: Type.String(),
      status: Type.String(),
      reason: Type.Union([Type.String(), Type.Null()]),
      health: Type.Unknown(),
    }),
  ),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

export async function view(deps: RouteDeps, d: DeploymentRow) {
  const rows = await deps.models.deployments.camerasOf(d.id);
  return {
    id: d.id,
    modelId: d.model_id,
    strategy: d.strategy,
    status: d.status,
    priority: d.priority,
    canaryShare: d.canary_share,
    soakSeconds: d.soak_seconds,
    abortFailureShare: d.abort_failure_share,
    rollbackOf: d.rollback_of,
    reason: d.reason,
    plan: JSON.parse(d.target) as unknown,
    cameras: rows.map((r) => ({
      cameraId: r.camera_id,
      status: r.status,
      reason: r.reason,
      health: r.health ? (JSON.parse(r.health) as unknown) : null,
    })),
    createdBy: d.created_by,
    createdAt: new Date(d.created_at).toISOString(),
  };
}
