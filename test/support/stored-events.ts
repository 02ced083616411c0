/**
 * Every event an integration's writes stored, published or not, read straight from the outbox
 * rows (event_batches), in the order written: for specs that check a change and its event
 * committed together, without a publisher running.
 */
import type { DataSource } from 'typeorm';
import { batchText, type EventCodec } from '@ones-m365/shared/db';

export interface StoredEventView {
  id: string;
  type: string;
  /** The outbox row it is in: the events of one INSERT (one transaction) share it, up to a few hundred. */
  batch: string;
  data: Record<string, any>;
}

export async function storedEvents(ds: DataSource, integrationId: string): Promise<StoredEventView[]> {
  const batches = await ds.query<{ id: string; payload: Buffer; codec: EventCodec }[]>(
    'SELECT id, payload, codec FROM event_batches WHERE integration_id = ? ORDER BY id',
    [integrationId],
  );
  return batches
    .flatMap((b) =>
      batchText(b)
        .split('\n')
        .map((line) => ({ line, batch: b.id })),
    )
    .map(({ line, batch }) => {
      const [id, type, json, data] = line.split('\t') as [string, string, string, string | undefined];
      // `id \t type \t \t data`, or (rows written before that form) `id \t type \t event JSON`.
      const parsed =
        data !== undefined
          ? (JSON.parse(data) as Record<string, any>)
          : (JSON.parse(json) as { data: Record<string, any> }).data;
      return { id, type, batch, data: parsed };
    });
}
