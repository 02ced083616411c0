import { expect } from 'chai';
import { databaseLine, redisLine, withoutPassword } from '../../../services/standalone/src/banner.js';

describe('standalone: the npm start banner', () => {
  it('prints the Redis URL it found, not the variable name', () => {
    expect(redisLine({ kind: 'server', url: 'redis://127.0.0.1:6379' })).to.equal('redis://127.0.0.1:6379');
  });

  it('never prints a password of Redis or MySQL', () => {
    const line = redisLine({ kind: 'server', url: 'redis://:s3cret-pass@redis.internal:6380/2' });
    expect(line).to.not.include('s3cret-pass');
    expect(line).to.include('redis.internal:6380');
    expect(redisLine({ kind: 'server', url: 'rediss://ops:s3cret-pass@redis.internal:6380' })).to.equal(
      'rediss://ops:***@redis.internal:6380',
    );
    expect(databaseLine('mysql://ones:s3cret-pass@db:3306/ones_m365')).to.equal('mysql://ones:***@db:3306/ones_m365');
  });

  it('names a Redis Cluster by its seed nodes', () => {
    expect(
      redisLine({
        kind: 'cluster',
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: '::1', port: 7001 },
        ],
        tls: true,
        password: 'pw',
      }),
    ).to.equal('Redis Cluster 10.0.0.1:7000,[::1]:7001 (TLS)');
  });

  it('says where it started the Redis it started', () => {
    expect(redisLine({ kind: 'server', url: 'redis://127.0.0.1:40123' }, '/srv/data')).to.equal(
      'redis://127.0.0.1:40123 (started under /srv/data)',
    );
  });

  it('keeps a SQLite path as it is', () => {
    expect(databaseLine('sqlite:/srv/data/ones-m365.sqlite')).to.equal('sqlite:/srv/data/ones-m365.sqlite');
    expect(withoutPassword('redis://127.0.0.1:6379/')).to.equal('redis://127.0.0.1:6379/');
  });
});
