import { InitialSchema1764300000000 } from './1764300000000-initial-schema.js';
import { UsersSyncMarker1764900000000 } from './1764900000000-users-sync-marker.js';
import { DeactivationThresholdDefault1764900000001 } from './1764900000001-deactivation-threshold-default.js';
import { IntegrationTenantGuid1765000000000 } from './1765000000000-integration-tenant-guid.js';
import { IntegrationLiveKey1766100000000 } from './1766100000000-integration-live-key.js';
import { PendingJobs1766300000000 } from './1766300000000-pending-jobs.js';
import { ClientSecretExpiry1766500000000 } from './1766500000000-client-secret-expiry.js';
import { RoomBookingsCalendar1766600000000 } from './1766600000000-room-bookings-calendar.js';
import { Events1766700000000 } from './1766700000000-events.js';
import { BookingPolicyEnforcement1766800000000 } from './1766800000000-booking-policy-enforcement.js';
import { EventBatchCodec1766900000000 } from './1766900000000-event-batch-codec.js';

/** Every migration, in order. New ones are appended here. */
export const MIGRATIONS = [
  InitialSchema1764300000000,
  UsersSyncMarker1764900000000,
  DeactivationThresholdDefault1764900000001,
  IntegrationTenantGuid1765000000000,
  IntegrationLiveKey1766100000000,
  PendingJobs1766300000000,
  ClientSecretExpiry1766500000000,
  RoomBookingsCalendar1766600000000,
  Events1766700000000,
  BookingPolicyEnforcement1766800000000,
  EventBatchCodec1766900000000,
];
