import { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { RedisClient } from '@ones-m365/shared/queue';
import { pingDatabase } from '@ones-m365/shared/db';
import { withinDeadline } from '@ones-m365/shared/errors';

const within = <T>(ms: number, p: Promise<T>): Promise<T> => withinDeadline(p, ms, `timed out after ${ms} ms`);

/** `/healthz`: the process answers. `/readyz`: the database and Redis answer too. */
export function healthRouter(deps: { db: DataSource; redis: RedisClient }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    await Promise.all([
      within(2000, pingDatabase(deps.db)).then(
        () => (checks.database = { ok: true }),
        (e: Error) => (checks.database = { ok: false, error: e.message }),
      ),
      within(2000, deps.redis.ping()).then(
        () => (checks.redis = { ok: true }),
        (e: Error) => (checks.redis = { ok: false, error: e.message }),
      ),
    ]);
    const ok = Object.values(checks).every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not_ready', checks });
  });
  return router;
}
