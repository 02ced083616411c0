import { z } from 'zod';
import { ConflictError } from '@ones-m365/shared/errors';
import type { GroupRepository } from '@ones-m365/shared/db';
import { defineRoute, type AnyRoute } from '../http/route.js';

const toView = (g: { id: string; name: string }) => ({ id: g.id, name: g.name });

/** ONES user groups: the choices for "default user groups" of newly synchronized users. */
export function groupsRoutes(deps: { groups: GroupRepository }): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/groups',
      summary: 'List ONES user groups',
      tag: 'groups',
      responses: { 200: '{items: [{id, name}]}' },
      async handler() {
        return { items: (await deps.groups.list()).map(toView) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/groups',
      summary: 'Create a ONES user group',
      tag: 'groups',
      body: z.strictObject({
        name: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters'),
      }),
      responses: { 201: 'The group', 400: 'Invalid name', 409: 'A group with this name exists' },
      async handler({ body }, res) {
        if (await deps.groups.findByName(body.name)) throw new ConflictError(`A group named "${body.name}" exists`);
        res.status(201).json(toView(await deps.groups.create(body.name)));
      },
    }),
  ];
}
