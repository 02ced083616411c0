/**
 * Every event an integration's writes stored, published or not, read straight from the outbox
 * rows (event_batches), in the order written: for specs that check a change and its event
 * committed together, without a publisher running.
 */
import { inflateRawSync } from 'node:zlib';
import type { DataSource } from 'typeorm';

export interface StoredEventView {
  id: string;
  type: string;
  data: Record<string, any>;
}

export async function storedEvents(ds: DataSource, integrationId: string): Promise<StoredEventView[]> {
  const batches = await ds.query<{ payload: Buffer }[]>(
    'SELECT payload FROM event_batches WHERE integration_id = ? ORDER BY id',
    [integrationId],
  );
  return batches
    .flatMap((b) => inflateRawSync(b.payload).toString('utf8').split('\n'))
    .map((line) => {
      const [id, type, json] = line.split('\t') as [string, string, string];
      return { id, type, data: (JSON.parse(json) as { data: Record<string, any> }).data };
    });
}
