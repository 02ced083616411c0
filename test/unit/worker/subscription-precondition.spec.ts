import { expect } from 'chai';
import type { IntegrationEntity } from '@ones-m365/shared/db';
import { precondition } from '../../../services/worker/src/jobs/subscriptions-reconcile.job.js';

describe('subscriptions: when to try at all', () => {
  const integration = (endpoints: IntegrationEntity['endpoints']) => ({ endpoints }) as IntegrationEntity;
  it('https PUBLIC_BASE_URL: tried', () => {
    expect(precondition(integration(null), 'https://ones.example.com')).to.equal(null);
  });
  it('http PUBLIC_BASE_URL: not tried against Microsoft (falls back to polling, with the reason)', () => {
    expect(precondition(integration(null), 'http://127.0.0.1:3000')).to.match(
      /PUBLIC_BASE_URL \(http:\/\/127\.0\.0\.1:3000\) is not an https URL/,
    );
  });
  it('http PUBLIC_BASE_URL with custom endpoints (simulator): tried, the Graph host decides', () => {
    expect(precondition(integration({ login: 'https://sim', graph: 'https://sim' }), 'http://127.0.0.1:3000')).to.equal(
      null,
    );
  });
});
