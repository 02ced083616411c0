/**
 * The writes of the race suite: every route that changes one integration, as ONES would call it,
 * and what each may answer when another write (DELETE included) runs at the same time.
 */
import type { ApiHarness } from './api-harness.js';

export type RaceOp =
  'patch' | 'delete' | 'enable' | 'disable' | 'room-settings' | 'user-settings' | 'sync-mode' | 'test' | 'sync';
export const RACE_OPS: readonly RaceOp[] = [
  'patch',
  'delete',
  'enable',
  'disable',
  'room-settings',
  'user-settings',
  'sync-mode',
  'test',
  'sync',
];

/** Success, or 404 when a DELETE committed first. Never 500, never 503 (Redis and the database are up). */
export const ALLOWED_STATUS: Record<RaceOp, number[]> = {
  patch: [200, 404],
  delete: [204, 404],
  enable: [202, 404],
  disable: [202, 404],
  'room-settings': [200, 404],
  'user-settings': [200, 404],
  'sync-mode': [200, 404],
  test: [200, 404],
  sync: [202, 404],
};

export interface RaceContext {
  /** A room email of the tenant (room-settings selects it). */
  roomEmail: string;
}

export function runOp(h: ApiHarness, op: RaceOp, id: string, ctx: RaceContext): Promise<{ status: number; body: any }> {
  const path = `/api/v1/integrations/${id}`;
  switch (op) {
    case 'patch':
      return h.call(path, { method: 'PATCH', json: { name: 'Renamed' } });
    case 'delete':
      return h.call(path, { method: 'DELETE' });
    case 'enable':
      return h.call(`${path}/enable`, { method: 'POST' });
    case 'disable':
      return h.call(`${path}/disable`, { method: 'POST' });
    case 'room-settings':
      return h.call(`${path}/room-settings`, {
        method: 'PUT',
        json: { mode: 'selected', roomEmails: [ctx.roomEmail] },
      });
    case 'user-settings':
      return h.call(`${path}/user-settings`, {
        method: 'PUT',
        json: {
          defaultGroupIds: [],
          cardNumber: { enabled: true, attribute: 'employeeId' },
          loginButtonName: 'Sign in',
        },
      });
    case 'sync-mode':
      return h.call(`${path}/sync-mode`, { method: 'PUT', json: { mode: 'polling' } });
    case 'test':
      return h.call(`${path}/test`, { method: 'POST' });
    case 'sync':
      return h.call(`${path}/sync`, { method: 'POST', json: { scope: 'all', mode: 'delta' } });
  }
}

/** Every unordered pair of writes, a write with itself included. */
export function allPairs(): [RaceOp, RaceOp][] {
  const pairs: [RaceOp, RaceOp][] = [];
  RACE_OPS.forEach((a, i) => RACE_OPS.slice(i).forEach((b) => pairs.push([a, b])));
  return pairs;
}
