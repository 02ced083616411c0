import { BookingDeclineEntity } from './booking-decline.entity.js';
import { BookingPolicyEntity } from './booking-policy.entity.js';
import { EventDeliveryEntity } from './event-delivery.entity.js';
import { EventBatchEntity, EventSequenceEntity } from './event.entity.js';
import { GraphSubscriptionEntity } from './graph-subscription.entity.js';
import { GroupEntity } from './group.entity.js';
import { IntegrationEntity } from './integration.entity.js';
import { PendingJobEntity } from './pending-job.entity.js';
import { RoomBookingEntity } from './room-booking.entity.js';
import { RoomEntity } from './room.entity.js';
import { SyncRunEntity } from './sync-run.entity.js';
import { SyncStateEntity } from './sync-state.entity.js';
import { UserGroupEntity } from './user-group.entity.js';
import { UserEntity } from './user.entity.js';

export {
  BookingDeclineEntity,
  BookingPolicyEntity,
  EventDeliveryEntity,
  EventBatchEntity,
  EventSequenceEntity,
  GraphSubscriptionEntity,
  GroupEntity,
  IntegrationEntity,
  PendingJobEntity,
  RoomBookingEntity,
  RoomEntity,
  SyncRunEntity,
  SyncStateEntity,
  UserGroupEntity,
  UserEntity,
};
export type { Cloud, IntegrationStatus, SyncMode } from './integration.entity.js';
export type { SyncRunStatus } from './sync-run.entity.js';
export { EVENT_TYPES, type EventCodec, type EventType } from './event.entity.js';
export type { BookingSource, BookingStatus, BookingType } from './room-booking.entity.js';
export type { DeclineReason, DeclineStatus } from './booking-decline.entity.js';

export const ENTITIES = [
  IntegrationEntity,
  RoomEntity,
  UserEntity,
  GroupEntity,
  UserGroupEntity,
  SyncStateEntity,
  GraphSubscriptionEntity,
  RoomBookingEntity,
  BookingPolicyEntity,
  BookingDeclineEntity,
  SyncRunEntity,
  PendingJobEntity,
  EventBatchEntity,
  EventSequenceEntity,
  EventDeliveryEntity,
];
