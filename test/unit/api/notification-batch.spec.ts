import { expect } from 'chai';
import { readBatch, validationTokenOf } from '../../../services/api/src/webhooks/notification-batch.js';

describe('notification batch reading', () => {
  it('reads change and lifecycle items', () => {
    const items = readBatch({
      value: [
        { subscriptionId: 's', clientState: 'c', tenantId: 't', changeType: 'updated', resource: 'Users/1' },
        { subscriptionId: 's', clientState: 'c', tenantId: 't', lifecycleEvent: 'missed' },
      ],
    });
    expect(items).to.deep.equal([
      { subscriptionId: 's', clientState: 'c', tenantId: 't', lifecycleEvent: null },
      { subscriptionId: 's', clientState: 'c', tenantId: 't', lifecycleEvent: 'missed' },
    ]);
  });

  for (const [name, body] of [
    ['no body', undefined],
    ['an array', []],
    ['no value', { a: 1 }],
    ['empty value', { value: [] }],
    ['a non-object item', { value: [1] }],
    ['no subscriptionId', { value: [{ changeType: 'updated' }] }],
    ['neither changeType nor lifecycleEvent', { value: [{ subscriptionId: 's' }] }],
    ['a non-string clientState', { value: [{ subscriptionId: 's', changeType: 'updated', clientState: 5 }] }],
    [
      'too many items',
      { value: Array.from({ length: 1_001 }, () => ({ subscriptionId: 's', changeType: 'updated' })) },
    ],
  ] as const) {
    it(`rejects ${name} (400)`, () => {
      expect(() => readBatch(body))
        .to.throw()
        .with.property('status', 400);
    });
  }

  it('decodes the validation token from the raw query (+ and %20 are spaces)', () => {
    expect(validationTokenOf('/x?validationToken=a+b%20c%3A%3Cd%3E')).to.equal('a b c:<d>');
    expect(validationTokenOf('/x?other=1')).to.equal(null);
    expect(validationTokenOf('/x')).to.equal(null);
  });
});
