import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { BootstrapTokenView } from './schemas.js';

const Body = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Where the edge goes, e.g. "home" or "shop-2".',
    }),
    expiresInHours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 720, default: 24 })),
    maxUses: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 10000, default: 1, description: '1 = single use.' }),
    ),
    allowedCameras: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 64 }),
    ),
    allowedLabels: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { maxItems: 32 })),
    reenrollEdgeId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'Make a single-use token that re-enrols this existing edge (same name, new keys; brings a revoked edge back). ' +
          'Enrolment with any other token refuses a name that is taken.',
      }),
    ),
  },
  { additionalProperties: false },
);

export function createBootstrapTokenRoute(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/api/v1/bootstrap-tokens',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['edges'],
        summary:
          'Create a bootstrap token for enrolling edges; the token and the CA certificate to trust are returned once',
        body: Body,
        response: responses({
          201: Type.Intersect([
            Type.Object({
              token: Type.String(),
              caCertificatePem: Type.String({
                description: 'Give it to the edge with the token: it verifies the service during enrollment.',
              }),
              enrollmentEndpoint: Type.String(),
            }),
            BootstrapTokenView,
          ]),
        }),
      },
    },
    async (request, reply) => {
      const { token, view } = await deps.edges.bootstrapTokens.create({
        ...request.body,
        createdBy: `token:${request.principal!.tokenId}`,
      });
      return reply.code(201).send({
        token,
        caCertificatePem: deps.edges.ca.certPem,
        enrollmentEndpoint: deps.edges.enrollmentEndpoint,
        ...view,
      });
    },
  );
}
