import { Type } from '@sinclair/typebox';
import { IdParams, responses, StringEnum } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import type { DeploymentRow } from '../../../models/model-repository.js';

const DeploymentView = Type.Object({
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

const actor = (p?: { tokenId: string }) => (p ? `token:${p.tokenId}` : 'unknown');

async function view(deps: RouteDeps, d: DeploymentRow) {
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

export function deploymentRoutes(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/api/v1/deployments',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['models'],
        summary:
          'Deploy a model version to cameras (a list, an edge, or a name pattern), all at once or staged',
        body: Type.Object(
          {
            modelId: Type.String(),
            target: Type.Object(
              {
                cameras: Type.Optional(Type.Array(Type.String(), { maxItems: 10_000 })),
                edgeId: Type.Optional(Type.String()),
                match: Type.Optional(
                  Type.String({ maxLength: 100, description: 'glob on camera id or name' }),
                ),
              },
              { additionalProperties: false },
            ),
            strategy: StringEnum(['all_at_once', 'staged'] as const),
            canaryShare: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
            soakSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86_400 })),
            abortFailureShare: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
            priority: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000 })),
            pin: Type.Optional(Type.Boolean()),
            softwareVersion: Type.Optional(
              Type.Object(
                { min: Type.Optional(Type.String()), max: Type.Optional(Type.String()) },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: responses({ 201: DeploymentView, 409: Type.Ref('ErrorBody') }),
      },
    },
    async (request, reply) => {
      const { deployment } = await deps.models.deployments.create(request.body, actor(request.principal));
      return reply.code(201).send(await view(deps, deployment));
    },
  );
  app.get(
    '/api/v1/deployments',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['models'],
        summary: 'Deployments, newest first',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.String()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Object({ items: Type.Array(DeploymentView) }) }),
      },
    },
    async (request) => {
      const rows = await deps.models.deployments.list({
        ...(request.query.status ? { status: request.query.status } : {}),
        limit: request.query.limit ?? 50,
      });
      return { items: await Promise.all(rows.map((d) => view(deps, d))) };
    },
  );
  app.get(
    '/api/v1/deployments/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['models'],
        summary: 'One deployment with each camera state',
        params: IdParams,
        response: responses({ 200: DeploymentView }),
      },
    },
    async (request) => view(deps, await deps.models.deployments.get(request.params.id)),
  );
  app.post(
    '/api/v1/deployments/:id/rollback',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['models'],
        summary: 'Roll every camera of the deployment back to its last good version (a new deployment each)',
        params: IdParams,
        body: Type.Optional(
          Type.Object(
            { reason: Type.Optional(Type.String({ maxLength: 500 })) },
            { additionalProperties: false },
          ),
        ),
        response: responses({ 200: Type.Object({ cameras: Type.Array(Type.String()) }) }),
      },
    },
    async (request) =>
      deps.models.deployments.rollbackDeployment(
        request.params.id,
        actor(request.principal),
        request.body?.reason ?? 'manual rollback',
      ),
  );
  app.put(
    '/api/v1/cameras/:id/pin',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['models'],
        summary: 'Pin (or unpin) a camera to the model it runs: newer deployments pass it by',
        params: IdParams,
        body: Type.Object({ pinned: Type.Boolean() }, { additionalProperties: false }),
        response: responses({ 204: Type.Null(), 409: Type.Ref('ErrorBody') }),
      },
    },
    async (request, reply) => {
      await deps.models.deployments.setPinned(
        request.params.id,
        request.body.pinned,
        actor(request.principal),
      );
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/v1/audit',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['models'],
        summary: 'Who changed what and why: models, deployments and camera assignments',
        querystring: Type.Object(
          {
            subjectType: Type.Optional(StringEnum(['model', 'deployment', 'camera'] as const)),
            subjectId: Type.Optional(Type.String()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Object({ items: Type.Array(Type.Unknown()) }) }),
      },
    },
    async (request) => ({ items: await deps.models.audit.list(request.query) }),
  );
}
