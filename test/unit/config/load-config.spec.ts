import { expect } from 'chai';
import { ConfigError, loadApiConfig, loadWorkerConfig } from '@ones-m365/shared/config';
import { testEnv } from '../../support/env.js';

describe('loadApiConfig', () => {
  it('applies the contract defaults', () => {
    const c = loadApiConfig(
      testEnv({
        DATABASE_URL: undefined,
        QUEUE_PREFIX: undefined,
        REDIS_URL: undefined,
        REDIS_CLUSTER_NODES: undefined,
      }),
    );
    expect(c.port).to.equal(3000);
    expect(c.publicBaseUrl).to.equal('http://127.0.0.1:3000');
    expect(c.databaseUrl).to.equal('sqlite:./data/ones-m365.sqlite');
    expect(c.redis).to.deep.equal({ kind: 'server', url: 'redis://127.0.0.1:6379' });
    expect(c.keyPrefix).to.equal('{ones-m365}');
    expect(c.allowCustomEndpoints).to.equal(false);
    expect(c.encryptionKey).to.have.length(32);
  });

  it('derives the public base URL from PORT and strips a trailing slash from an explicit one', () => {
    expect(loadApiConfig(testEnv({ PORT: '8080' })).publicBaseUrl).to.equal('http://127.0.0.1:8080');
    expect(loadApiConfig(testEnv({ PUBLIC_BASE_URL: 'https://m365.example.com/' })).publicBaseUrl).to.equal(
      'https://m365.example.com',
    );
  });

  it('names each missing required variable in one line', () => {
    const env = testEnv({ API_TOKEN: undefined, ENCRYPTION_KEY: '' });
    try {
      loadApiConfig(env);
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).to.not.include('\n');
      expect(msg).to.include('API_TOKEN is required');
      expect(msg).to.include('ENCRYPTION_KEY is required');
    }
  });

  it('explains what is wrong with a bad value without printing it', () => {
    const secretish = 'c2hvcnQ=';
    const env = testEnv({
      ENCRYPTION_KEY: secretish,
      PORT: 'eighty',
      DATABASE_URL: 'postgres://x',
      LOG_LEVEL: 'loud',
      ALLOW_CUSTOM_ENDPOINTS: 'maybe',
    });
    expect(() => loadApiConfig(env))
      .to.throw(ConfigError)
      .with.property('message')
      .that.satisfies(
        (m: string) =>
          [
            'ENCRYPTION_KEY must be 32 bytes',
            'PORT must be a number',
            'DATABASE_URL must be mysql://',
            'LOG_LEVEL must be one of',
            'ALLOW_CUSTOM_ENDPOINTS must be true or false',
          ].every((s) => m.includes(s)) && !m.includes(secretish),
      );
  });

  it('rejects short tokens and dashboard passwords', () => {
    expect(() => loadApiConfig(testEnv({ API_TOKEN: 'short' }))).to.throw(/API_TOKEN must be at least 16 characters/);
    expect(() => loadApiConfig(testEnv({ DASHBOARD_PASSWORD: 'pw' }))).to.throw(
      /DASHBOARD_PASSWORD must be at least 16/,
    );
  });

  it('hash-tags the key prefix: every key of a deployment is in the slot of QUEUE_PREFIX', () => {
    expect(loadApiConfig(testEnv({ QUEUE_PREFIX: 'tenant-a' })).keyPrefix).to.equal('{tenant-a}');
    expect(() => loadApiConfig(testEnv({ QUEUE_PREFIX: '{tenant-a}' }))).to.throw(
      /QUEUE_PREFIX must be 1-64 characters/,
    );
  });

  it('uses a Redis Cluster when REDIS_CLUSTER_NODES is set, and REDIS_URL not at all', () => {
    const c = loadApiConfig(testEnv({ REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, redis-1.internal:7001,[::1]:7002 ' }));
    expect(c.redis).to.deep.equal({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-1.internal', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      tls: false,
    });
    expect(
      loadWorkerConfig(
        testEnv({ REDIS_CLUSTER_NODES: 'rediss://ops:s%40cret@a.example:6380,rediss://ops:s%40cret@b.example:6380' }),
      ).redis,
    ).to.deep.equal({
      kind: 'cluster',
      nodes: [
        { host: 'a.example', port: 6380 },
        { host: 'b.example', port: 6380 },
      ],
      tls: true,
      username: 'ops',
      password: 's@cret',
    });
  });

  it('names what is wrong with REDIS_CLUSTER_NODES, without printing a password', () => {
    for (const [value, message] of [
      ['redis-1', /REDIS_CLUSTER_NODES entry 1 must be host:port/],
      ['a:7000,b:99999', /REDIS_CLUSTER_NODES entry 2 has a port out of 1\.\.65535/],
      [' , ', /REDIS_CLUSTER_NODES must list at least one host:port/],
      ['rediss://:pw-one@a:1,rediss://:pw-two@b:2', /REDIS_CLUSTER_NODES entries must all use the same scheme/],
      ['redis://:pw-one@a:1/2', /REDIS_CLUSTER_NODES entry 1 must be redis\[s\]:\/\/\[user:password@\]host:port/],
    ] as const) {
      expect(() => loadApiConfig(testEnv({ REDIS_CLUSTER_NODES: value })))
        .to.throw(ConfigError)
        .with.property('message')
        .that.matches(message)
        .and.satisfies((m: string) => !m.includes('pw-one'));
    }
  });

  it('returns a frozen object', () => {
    const c = loadApiConfig(testEnv());
    expect(Object.isFrozen(c)).to.equal(true);
    expect(Object.isFrozen(c.dashboard)).to.equal(true);
  });
});

describe('loadWorkerConfig', () => {
  it('does not need the api token or dashboard credentials', () => {
    const c = loadWorkerConfig(
      testEnv({
        API_TOKEN: undefined,
        DASHBOARD_USER: undefined,
        DASHBOARD_PASSWORD: undefined,
        WORKER_CONCURRENCY: '8',
      }),
    );
    expect(c.concurrency).to.equal(8);
  });

  it('serves its probes on WORKER_HEALTH_PORT, 3100 unless set, and refuses a port out of range', () => {
    expect(loadWorkerConfig(testEnv({ WORKER_HEALTH_PORT: undefined })).healthPort).to.equal(3100);
    expect(loadWorkerConfig(testEnv({ WORKER_HEALTH_PORT: '9100' })).healthPort).to.equal(9100);
    expect(() => loadWorkerConfig(testEnv({ WORKER_HEALTH_PORT: '70000' }))).to.throw(
      /WORKER_HEALTH_PORT must be 0\.\.65535/,
    );
  });

  it('still requires the encryption key', () => {
    expect(() => loadWorkerConfig(testEnv({ ENCRYPTION_KEY: undefined }))).to.throw(/ENCRYPTION_KEY is required/);
  });
});

describe('events webhook settings', () => {
  const secret = 'a-signing-secret-of-32-characters!';

  it('are off unless EVENTS_WEBHOOK_URL is set', () => {
    expect(loadWorkerConfig(testEnv()).eventsWebhook).to.equal(null);
    expect(loadApiConfig(testEnv({ EVENTS_WEBHOOK_SECRET: secret })).eventsWebhook).to.equal(null);
  });

  it('take an https URL, or http on localhost, with a secret of at least 32 characters', () => {
    const c = loadWorkerConfig(
      testEnv({ EVENTS_WEBHOOK_URL: 'https://ones.example.com/hooks/m365', EVENTS_WEBHOOK_SECRET: secret }),
    );
    expect(c.eventsWebhook).to.deep.equal({ url: 'https://ones.example.com/hooks/m365', secret });
    for (const url of ['http://localhost:9000/e', 'http://127.0.0.1:9000/e', 'http://[::1]:9000/e'])
      expect(
        loadWorkerConfig(testEnv({ EVENTS_WEBHOOK_URL: url, EVENTS_WEBHOOK_SECRET: secret })).eventsWebhook?.url,
      ).to.equal(url);
  });

  const failure = (env: Record<string, string>) => {
    try {
      loadWorkerConfig(testEnv(env));
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      return (err as Error).message;
    }
    return expect.fail('should have thrown');
  };

  it('refuse a URL without its secret, naming the variable in one line', () => {
    const msg = failure({ EVENTS_WEBHOOK_URL: 'https://ones.example.com/e' });
    expect(msg).to.not.include('\n');
    expect(msg).to.match(/^Invalid configuration: EVENTS_WEBHOOK_SECRET is required when EVENTS_WEBHOOK_URL is set/);
  });

  it('refuse plain http elsewhere than localhost, and a short secret (without printing it)', () => {
    expect(failure({ EVENTS_WEBHOOK_URL: 'http://ones.example.com/e', EVENTS_WEBHOOK_SECRET: secret })).to.include(
      'EVENTS_WEBHOOK_URL must be an https URL',
    );
    const msg = failure({ EVENTS_WEBHOOK_URL: 'https://ones.example.com/e', EVENTS_WEBHOOK_SECRET: 'short-secret' });
    expect(msg).to.include('EVENTS_WEBHOOK_SECRET must be at least 32 characters');
    expect(msg).to.not.include('short-secret');
  });
});
