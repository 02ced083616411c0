/**
 * What a complete rooms walk asks for next: a run of each active room's calendar (a room new to
 * the sync loads in full, the others go on by delta), and, when the set of synced rooms changed on
 * an enabled integration, a reconcile of its subscriptions (one `/users/{room}/events` per room:
 * a new room gets one, a deselected or removed room's is deleted at Graph; its bookings stay).
 */
import type { IntegrationEntity } from '@ones-m365/shared/db';
import type { SyncTrigger } from '@ones-m365/shared/queue';
import { requestReconcile } from '@ones-m365/shared/subscriptions';
import { formatStreamKey, requestSync, type SyncRequestDeps } from '@ones-m365/shared/sync';

export interface RoomsFollowUpDeps extends SyncRequestDeps {
  rooms: { activeIds(integrationId: string): Promise<{ id: string }[]> };
}

export async function requestRoomFollowUps(
  deps: RoomsFollowUpDeps,
  integration: Pick<IntegrationEntity, 'id' | 'status'>,
  activeBefore: ReadonlySet<string>,
  trigger: SyncTrigger,
): Promise<{ calendars: number; reconcile: boolean }> {
  const active = await deps.rooms.activeIds(integration.id);
  for (const room of active) {
    const stream = formatStreamKey({ kind: 'calendar', roomId: room.id });
    await requestSync(deps, { integrationId: integration.id, stream, mode: 'delta', trigger });
  }
  const changed = active.length !== activeBefore.size || active.some((r) => !activeBefore.has(r.id));
  const reconcile = changed && integration.status === 'enabled';
  if (reconcile) await requestReconcile(deps.producer, integration.id);
  return { calendars: active.length, reconcile };
}
