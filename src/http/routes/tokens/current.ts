import { Type } from '@sinclair/typebox';
import { responses, StringEnum } from '../../schemas.js';
import type { TypedApp } from '../deps.js';

/** Who the caller's token is: the console shows it and hides what a viewer may not do. */
export function currentTokenRoute(app: TypedApp): void {
  app.get(
    '/api/v1/tokens/current',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['tokens'],
        summary: "The calling token's id, name and role",
        response: responses({
          200: Type.Object({
            id: Type.String(),
            name: Type.String(),
            role: StringEnum(['admin', 'viewer'] as const),
          }),
        }),
      },
    },
    async (request) => {
      const p = request.principal!;
      return { id: p.tokenId, name: p.name, role: p.role };
    },
  );
}
