import type { DataSource } from 'typeorm';
import type { SecretBox } from '@ones-m365/shared/crypto';
import type { GraphClient } from '@ones-m365/shared/graph';
import type { Producer } from '@ones-m365/shared/queue';
import type { Coordination } from '@ones-m365/shared/sync';

/** What the subscription jobs need (the worker process provides it). */
export interface SubscriptionJobDeps {
  db: DataSource;
  graph: GraphClient;
  secretBox: SecretBox;
  producer: Producer;
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
