import type { SecretBox } from '@ones-m365/shared/crypto';
import type { GraphSubscriptionRepository, IntegrationRepository, RoomRepository } from '@ones-m365/shared/db';
import type { GraphClient } from '@ones-m365/shared/graph';
import type { Producer } from '@ones-m365/shared/queue';
import type { Coordination } from '@ones-m365/shared/sync';

/** What the subscription jobs need (the worker's composition root provides it). */
export interface SubscriptionJobDeps {
  integrations: Pick<IntegrationRepository, 'get' | 'getIncludingDeleted' | 'update' | 'listEnabled'>;
  subscriptions: GraphSubscriptionRepository;
  rooms: Pick<RoomRepository, 'activeIds'>;
  graph: GraphClient;
  secretBox: SecretBox;
  producer: Pick<Producer, 'enqueue' | 'queue'>;
  /** Full-request tokens and the subscriptions-changed channel. */
  coordination: Coordination;
  /** PUBLIC_BASE_URL: the webhook URLs are built from it. */
  publicBaseUrl: string;
  /** Delta interval of webhook-mode integrations, to catch what Graph dropped. */
  safetyNetSeconds: number;
  /** Renew when less than this is left. */
  renewMarginMs?: number;
  now?: () => Date;
}
