/**
 * Writes the operational records: Graph answers and throttling per integration, token outcomes,
 * job failures per queue, sync run results. It is the Graph client's observer. Every write is one
 * fire-and-forget Redis round trip (a pipeline) on a fail-fast connection: a record lost while Redis is down
 * is better than a request held up for it.
 */
import type { RedisClient } from '../queue/index.js';
import type { GraphObserver, TokenOutcome } from '../graph/index.js';
import { counterField, epochMinute, integrationLabel, isIntegrationId, operationsKeys, streamKind } from './keys.js';

export interface OperationsRecorderOptions {
  now?: () => Date;
  /** Told when Microsoft starts (true) or stops (false) refusing an integration's secret as expired. */
  onSecretRejected?: (integrationId: string, rejected: boolean) => Promise<void>;
}

const THROTTLE_WINDOW_S = 2 * 3600;
/** An unchanged token outcome is written again after this long, so its time stays fresh. */
const TOKEN_REFRESH_MS = 60_000;
const TOKEN_RECORD_TTL_S = 30 * 86_400;

interface LastToken {
  signature: string;
  writtenAt: number;
}

export class OperationsRecorder implements GraphObserver {
  private readonly keys: ReturnType<typeof operationsKeys>;
  private readonly now: () => Date;
  private readonly lastToken = new Map<string, LastToken>();

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly options: OperationsRecorderOptions = {},
  ) {
    this.keys = operationsKeys(prefix);
    this.now = options.now ?? (() => new Date());
  }

  response(connectionId: string, status: number | null): void {
    const label = integrationLabel(connectionId);
    const tx = this.redis.pipeline().hincrby(this.keys.counters, counterField('graph_requests', [label]), 1);
    if (status === 429) {
      tx.hincrby(this.keys.counters, counterField('graph_throttled', [label]), 1);
      if (isIntegrationId(connectionId)) {
        const key = this.keys.throttled(connectionId);
        tx.hincrby(key, String(epochMinute(this.now())), 1).expire(key, THROTTLE_WINDOW_S);
      }
    }
    this.send(tx.exec());
  }

  token(connectionId: string, fingerprint: string, outcome: TokenOutcome): void {
    if (!isIntegrationId(connectionId)) return;
    const signature = `${fingerprint}|${outcome.ok ? 'ok' : outcome.code}`;
    const last = this.lastToken.get(connectionId);
    const at = this.now();
    if (last?.signature === signature && at.getTime() - last.writtenAt < TOKEN_REFRESH_MS) return;
    this.lastToken.set(connectionId, { signature, writtenAt: at.getTime() });
    const key = this.keys.token(connectionId);
    const record = outcome.ok
      ? { at: at.toISOString(), ok: '1', code: '', message: '', retryable: '0', fingerprint }
      : {
          at: at.toISOString(),
          ok: '0',
          code: outcome.code,
          message: outcome.message,
          retryable: outcome.retryable ? '1' : '0',
          fingerprint,
        };
    this.send(this.redis.pipeline().hset(key, record).expire(key, TOKEN_RECORD_TTL_S).exec());
    this.secretStatus(connectionId, outcome, last?.signature !== signature);
  }

  jobFailed(queue: string, final: boolean): void {
    this.send(this.redis.hincrby(this.keys.counters, counterField('job_failures', [queue, String(final)]), 1));
  }

  syncRunFinished(integrationId: string, stream: string, status: string): void {
    this.send(
      this.redis.hincrby(
        this.keys.counters,
        counterField('sync_runs', [integrationLabel(integrationId), streamKind(stream), status]),
        1,
      ),
    );
  }

  /**
   * The expired-secret status follows Microsoft's answers: asserted with every recorded
   * AADSTS7000222 (an enable may have reset it meanwhile), cleared by the first token after one.
   */
  private secretStatus(integrationId: string, outcome: TokenOutcome, changed: boolean): void {
    const rejected = !outcome.ok && outcome.code === 'expired_secret';
    if (rejected || (outcome.ok && changed)) this.send(this.options.onSecretRejected?.(integrationId, rejected));
  }

  private send(p: Promise<unknown> | undefined): void {
    p?.catch(() => undefined);
  }
}
