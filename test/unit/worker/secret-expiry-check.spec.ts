import { expect } from 'chai';
import Transport from 'winston-transport';
import type { IntegrationEntity } from '@ones-m365/shared/db';
import { createLogger } from '@ones-m365/shared/logging';
import type { JobContext } from '../../../services/worker/src/jobs/job-handler.js';
import { secretExpiryCheckJob } from '../../../services/worker/src/jobs/secret-expiry-check.job.js';

class Collect extends Transport {
  lines: Record<string, unknown>[] = [];
  override log(info: Record<string, unknown>, next: () => void) {
    this.lines.push(info);
    next();
  }
}

const NOW = new Date('2026-12-02T00:00:00Z');
const integration = (id: string, days: number | null) =>
  ({
    id,
    name: `i-${id}`,
    clientSecretExpiresAt: days === null ? null : new Date(NOW.getTime() + days * 86_400_000),
  }) as IntegrationEntity;

describe('maintenance.secret-expiry-check (daily)', () => {
  it('logs one warning per secret expiring within 30 days or expired, and none for the others', async () => {
    const collect = new Collect();
    const ctx = {
      jobId: '1',
      attemptsMade: 0,
      maxAttempts: 1,
      logger: createLogger({ service: 't', format: 'json', transports: [collect] }),
    } as unknown as JobContext;
    const list = async () => [
      integration('a', 45),
      integration('b', 20),
      integration('c', 3),
      integration('d', -2),
      integration('e', null),
    ];
    const result = await secretExpiryCheckJob({ integrations: { list }, now: () => NOW }).handle({}, ctx);
    expect(result).to.deep.equal({ warned: 3 });
    expect(collect.lines.map((l) => [l.level, l.message, l.integrationId, l.daysLeft])).to.deep.equal([
      ['warn', 'client secret expires soon', 'b', 20],
      ['warn', 'client secret expires soon', 'c', 3],
      ['warn', 'client secret expired', 'd', -2],
    ]);
  });
});
