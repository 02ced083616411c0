import { expect } from 'chai';
import fc from 'fast-check';
import {
  changedDestinationFields,
  missingSecretIssues,
} from '../../../services/api/src/services/credential-destination.js';

const current = {
  cloud: 'global' as const,
  tenantId: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-4333-8444-555555555555',
  endpoints: { login: 'https://login.example', graph: 'https://graph.example' },
};

const randomCase = (s: string) =>
  fc
    .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
    .map((up) => [...s].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''));

describe('credential destination (where a PATCH would send the stored secret)', () => {
  it('the stored values, in any letter case for tenant and client ID, are no change', () => {
    fc.assert(
      fc.property(randomCase(current.tenantId), randomCase(current.clientId), (tenantId, clientId) => {
        const patch = { cloud: current.cloud, tenantId, clientId, endpoints: { ...current.endpoints }, name: 'x' };
        expect(changedDestinationFields(current, patch)).to.deep.equal([]);
        expect(missingSecretIssues(current, patch)).to.deep.equal([]);
      }),
    );
  });

  it('any changed destination without a secret names that field and body.clientSecret; with a secret, nothing', () => {
    const changes = fc
      .record(
        {
          cloud: fc.constant('china' as const),
          tenantId: fc.constantFrom('fabrikam.onmicrosoft.com', '0e0e0e0e-1111-4222-8333-444444444444'),
          clientId: fc.constant('0f0f0f0f-1111-4222-8333-444444444444'),
          endpoints: fc.constantFrom(
            null,
            { login: 'https://login.example', graph: 'https://other.example' },
            { login: 'https://other.example', graph: 'https://graph.example' },
          ),
        },
        { requiredKeys: [] },
      )
      .filter((p) => Object.keys(p).length > 0);
    fc.assert(
      fc.property(changes, (patch) => {
        const fields = Object.keys(patch).map((f) => `body.${f}`);
        const issues = missingSecretIssues(current, patch).map((i) => i.field);
        expect(issues).to.have.members([...fields, 'body.clientSecret']);
        expect(missingSecretIssues(current, { ...patch, clientSecret: 's' })).to.deep.equal([]);
      }),
    );
  });

  it('fields other than the destination never need the secret', () => {
    expect(missingSecretIssues(current, { name: 'Renamed', deactivationThreshold: 0.5 })).to.deep.equal([]);
  });
});
