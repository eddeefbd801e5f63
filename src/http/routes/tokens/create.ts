import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { ApiTokenView, Role } from './schemas.js';

const Body = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: Role,
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);

export function createTokenRoute(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/api/v1/tokens',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; its text is returned once and never again',
        body: Body,
        response: responses({ 201: Type.Intersect([Type.Object({ token: Type.String() }), ApiTokenView]) }),
      },
    },
    async (request, reply) => {
      const { name, role, expiresInDays } = request.body;
      const { token, view } = await deps.tokens.create({
        name,
        role,
        ...(expiresInDays ? { expiresAt: Date.now() + expiresInDays * 86_400_000 } : {}),
        createdBy: `token:${request.principal!.tokenId}`,
      });
      return reply.code(201).send({ token, ...view });
    },
  );
}
