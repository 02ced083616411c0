/** Reads the operational records (see recorder.ts) for /metrics and the health checks. */
import type { RedisClient } from '../queue/index.js';
import { COUNTERS, epochMinute, operationsKeys, type CounterName } from './keys.js';

export interface CounterSample {
  name: CounterName;
  labels: Record<string, string>;
  value: number;
}

export interface TokenRecord {
  at: Date;
  ok: boolean;
  /** Auth failure reason (`expired_secret`, `invalid_secret`…) or failure kind (`transient`…); '' when ok. */
  code: string;
  message: string;
  retryable: boolean;
  /** Of the credentials the token was asked with: a record of older credentials says nothing now. */
  fingerprint: string;
}

export class OperationsReader {
  private readonly keys: ReturnType<typeof operationsKeys>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = operationsKeys(prefix);
  }

  async counters(): Promise<CounterSample[]> {
    const all = await this.redis.hgetall(this.keys.counters);
    const samples: CounterSample[] = [];
    for (const [field, value] of Object.entries(all)) {
      const [name, ...values] = field.split('|');
      const labelNames = COUNTERS[name as CounterName] as readonly string[] | undefined;
      if (!labelNames || labelNames.length !== values.length) continue;
      samples.push({
        name: name as CounterName,
        labels: Object.fromEntries(labelNames.map((l, i) => [l, values[i]!])),
        value: Number(value),
      });
    }
    return samples;
  }

  /** Throttled answers (429) from Graph to this integration in the hour up to `now`. */
  async throttledLastHour(integrationId: string, now: Date): Promise<number> {
    const perMinute = await this.redis.hgetall(this.keys.throttled(integrationId));
    const from = epochMinute(now) - 59;
    return Object.entries(perMinute).reduce((sum, [minute, n]) => (Number(minute) >= from ? sum + Number(n) : sum), 0);
  }

  async lastToken(integrationId: string): Promise<TokenRecord | null> {
    const r = await this.redis.hgetall(this.keys.token(integrationId));
    if (!r.at) return null;
    return {
      at: new Date(r.at),
      ok: r.ok === '1',
      code: r.code ?? '',
      message: r.message ?? '',
      retryable: r.retryable === '1',
      fingerprint: r.fingerprint ?? '',
    };
  }
}
