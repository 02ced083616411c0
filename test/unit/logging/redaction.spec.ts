import { expect } from 'chai';
import fc from 'fast-check';
import Transport from 'winston-transport';
import { createLogger, redactString, redactValue } from '@ones-m365/shared/logging';

class Collect extends Transport {
  lines: string[] = [];
  override log(info: Record<string | symbol, unknown>, next: () => void) {
    this.lines.push(String(info[Symbol.for('message')]));
    next();
  }
}

function logged(fn: (l: ReturnType<typeof createLogger>) => void, format: 'json' | 'pretty' = 'json'): string {
  const t = new Collect();
  const logger = createLogger({ service: 'test', level: 'debug', format, transports: [t] });
  fn(logger);
  return t.lines.join('\n');
}

describe('log redaction', () => {
  const secret = 'Sup3r~Secr3t.Value_42';

  it('replaces sensitive keys at any depth, in both formats', () => {
    for (const format of ['json', 'pretty'] as const) {
      const out = logged(
        (l) =>
          l.info('saving', {
            integration: { clientSecret: secret, nested: { clientState: secret } },
            apiToken: secret,
          }),
        format,
      );
      expect(out).to.not.include(secret);
      expect(out).to.include('[REDACTED]');
      expect(out).to.include('saving');
    }
  });

  it('scrubs bearer tokens, JWTs and secrets inside messages and error stacks', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJyb2xlcyI6WyJVc2VyLlJlYWQuQWxsIl19.c2lnbmF0dXJlLXZhbHVl';
    const out = logged((l) => {
      l.warn(`call failed: Authorization: Bearer ${jwt}`);
      l.error('token request failed', { error: new Error(`client_secret=${secret}&grant_type=client_credentials`) });
      l.info('body', { raw: `{"clientState":"${secret}","value":[]}` });
    });
    expect(out).to.not.include(secret);
    expect(out).to.not.include(jwt);
    expect(out).to.include('Bearer [REDACTED]');
  });

  it('child loggers keep their fields and are redacted too', () => {
    const out = logged((l) =>
      l.child({ integrationId: 'i-1', jobId: 'j-9' }).info('page written', { clientSecret: secret, count: 3 }),
    );
    const line = JSON.parse(out) as Record<string, unknown>;
    expect(line).to.include({
      integrationId: 'i-1',
      jobId: 'j-9',
      count: 3,
      clientSecret: '[REDACTED]',
      message: 'page written',
    });
  });

  it('redacts credentials in URLs', () => {
    expect(redactString('mysql://root:hunter2hunter2@db:3306/x')).to.equal('mysql://root:[REDACTED]@db:3306/x');
  });

  it('never lets a value under a sensitive key through (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.constantFrom('clientSecret', 'client_secret', 'accessToken', 'clientState', 'password', 'Authorization'),
        (value, key) => {
          const out = redactValue({ a: { [key]: value } }) as { a: Record<string, unknown> };
          expect(out.a[key]).to.equal('[REDACTED]');
        },
      ),
    );
  });

  it('handles circular structures', () => {
    const a: Record<string, unknown> = { name: 'x' };
    a.self = a;
    expect(redactValue(a)).to.deep.equal({ name: 'x', self: '[Circular]' });
  });
});
