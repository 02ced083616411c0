/**
 * The Kubernetes base agrees with the code: each variable a container sets is one its process's
 * config schema reads, every required one is set and the values load; probes name routes the
 * process serves; commands are the real entry points; the image's user is the manifests' uid.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { QueueKeys } from 'bullmq';
import { apiEnvShape, loadApiConfig, loadWorkerConfig, workerEnvShape } from '@ones-m365/shared/config';
import { ALL_QUEUES } from '@ones-m365/shared/queue';
import { healthRouter } from '../../../services/api/src/routes/health.routes.js';
import { startWorkerHealthServer } from '../../../services/worker/src/health/health-server.js';
import { ALERTS_FILE, PROMETHEUS_RULE_FILE, renderPrometheusRule } from '../../../infra/k8s/render-prometheus-rule.js';
import {
  findObject,
  loadManifests,
  podSpec,
  resolvedEnv,
  ROOT,
  type Container,
  type K8sObject,
  type ComponentName,
} from '../../support/k8s-manifests.js';

const VALID_SECRETS = {
  DATABASE_URL: 'mysql://ones:pw@mysql:3306/ones_m365',
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  API_TOKEN: 'a-token-of-sixteen-or-more',
  DASHBOARD_PASSWORD: 'a-password-of-sixteen-or-more',
};

/** The base on one Redis server, and with the component that puts it on a Redis Cluster. */
const VARIANTS = [
  {
    name: 'infra/k8s',
    components: [] as ComponentName[],
    redis: { kind: 'server', env: 'REDIS_URL', valid: 'redis://redis:6379' },
    keda: { trigger: 'redis', address: 'address' },
  },
  {
    name: 'infra/k8s + the redis-cluster component',
    components: ['redis-cluster'] as ComponentName[],
    redis: { kind: 'cluster', env: 'REDIS_CLUSTER_NODES', valid: 'redis-0:6379,redis-1:6379,redis-2:6379' },
    keda: { trigger: 'redis-cluster', address: 'addresses' },
  },
] as const;

function requiredKeys(shape: Record<string, z.ZodType>): string[] {
  return Object.entries(shape)
    .filter(([, s]) => !s.safeParse(undefined).success)
    .map(([k]) => k);
}

function container(objects: K8sObject[], kind: string, name: string): Container {
  return podSpec(findObject(objects, kind, name)).containers[0]!;
}

/** `node <dist file>` → the TypeScript source it is compiled from (rootDir/outDir of its tsconfig). */
function sourceOf(distPath: string): string {
  const workspace = distPath.startsWith('shared/') ? 'shared' : distPath.split('/').slice(0, 2).join('/');
  const tsconfig = JSON.parse(readFileSync(join(ROOT, workspace, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { rootDir: string; outDir: string };
  };
  const { rootDir, outDir } = tsconfig.compilerOptions;
  const inWorkspace = distPath.slice(workspace.length + 1);
  expect(inWorkspace.startsWith(`${outDir}/`), `${distPath} is not in ${workspace}/${outDir}`).to.equal(true);
  return join(workspace, rootDir, inWorkspace.slice(outDir.length + 1)).replace(/\.js$/, '.ts');
}

function probePaths(c: Container): string[] {
  return [c.startupProbe, c.livenessProbe, c.readinessProbe].map((p) => p?.httpGet?.path ?? '');
}

for (const variant of VARIANTS)
  describe(`Kubernetes manifests (${variant.name}): variables and queue-depth scaling against the code`, () => {
    const objects = loadManifests(variant.components);
    const api = container(objects, 'Deployment', 'ones-m365-api');
    const worker = container(objects, 'Deployment', 'ones-m365-worker');
    const migrate = container(objects, 'Job', 'ones-m365-migrate');
    const valid = { ...VALID_SECRETS, [variant.redis.env]: variant.redis.valid };

    it('sets only variables each process reads, and every required one, and its Redis once', () => {
      for (const [c, shape] of [
        [api, apiEnvShape],
        [worker, workerEnvShape],
        [migrate, { DATABASE_URL: apiEnvShape.DATABASE_URL }],
      ] as const) {
        const names = (c.env ?? []).map((e) => e.name);
        expect(
          names.filter((n) => !(n in shape)),
          `${c.name} sets variables nothing reads`,
        ).to.deep.equal([]);
        expect(
          requiredKeys(shape).filter((k) => !names.includes(k)),
          `${c.name} misses required variables`,
        ).to.deep.equal([]);
        expect(new Set(names).size, `${c.name} sets a variable twice`).to.equal(names.length);
      }
      for (const c of [api, worker]) {
        const redisVars = (c.env ?? []).map((e) => e.name).filter((n) => n.startsWith('REDIS_'));
        expect(redisVars, c.name).to.deep.equal([variant.redis.env]);
      }
    });

    it('refers only to ConfigMap and Secret keys that exist', () => {
      for (const c of [api, worker, migrate])
        expect(Object.values(resolvedEnv(objects, c)), c.name).to.not.include(undefined);
    });

    it('gives values that load, on the Redis of the variant, once the placeholders are replaced, and that refuse to start as shipped', () => {
      expect(loadApiConfig({ ...resolvedEnv(objects, api), ...valid }).redis.kind).to.equal(variant.redis.kind);
      expect(loadWorkerConfig({ ...resolvedEnv(objects, worker), ...valid }).redis.kind).to.equal(variant.redis.kind);
      expect(() => loadApiConfig(resolvedEnv(objects, api))).to.throw(/ENCRYPTION_KEY must be 32 bytes/);
      const secret = findObject(objects, 'Secret', 'ones-m365-secrets').stringData!;
      for (const key of [
        'DATABASE_URL',
        variant.redis.env,
        'ENCRYPTION_KEY',
        'API_TOKEN',
        'DASHBOARD_PASSWORD',
        'KEDA_REDIS_PASSWORD',
      ])
        expect(secret[key], key).to.include('REPLACE_ME');
      expect(Object.keys(secret).filter((k) => k.startsWith('REDIS_'))).to.deep.equal([variant.redis.env]);
    });

    it("scales the workers on each queue's BullMQ wait list, between sane bounds, through KEDA's scaler for that Redis", () => {
      const scaled = findObject(objects, 'ScaledObject', 'ones-m365-worker').spec;
      expect(scaled.scaleTargetRef.name).to.equal('ones-m365-worker');
      expect(scaled.minReplicaCount).to.be.at.least(1);
      expect(scaled.maxReplicaCount).to.be.greaterThan(scaled.minReplicaCount);
      // The keys the workers use: QUEUE_PREFIX hash-tagged, as the config makes it.
      const keys = new QueueKeys(loadWorkerConfig({ ...resolvedEnv(objects, worker), ...valid }).keyPrefix);
      const triggers = scaled.triggers as {
        type: string;
        metadata: { listName: string };
        authenticationRef: { name: string };
      }[];
      expect(triggers.map((t) => t.metadata.listName).sort()).to.deep.equal(
        ALL_QUEUES.map((q) => keys.toKey(q, 'wait')).sort(),
      );
      const secret = findObject(objects, 'Secret', 'ones-m365-secrets').stringData!;
      for (const t of triggers) {
        expect(t.type).to.equal(variant.keda.trigger);
        const auth = findObject(objects, 'TriggerAuthentication', t.authenticationRef.name).spec as {
          secretTargetRef: { parameter: string; name: string; key: string }[];
        };
        expect(auth.secretTargetRef.map((r) => r.parameter).sort()).to.deep.equal([variant.keda.address, 'password']);
        for (const ref of auth.secretTargetRef) {
          expect(ref.name).to.equal('ones-m365-secrets');
          expect(secret[ref.key], ref.key).to.be.a('string');
        }
      }
    });
  });

describe('Kubernetes base (infra/k8s): against the code', () => {
  const objects = loadManifests();
  const api = container(objects, 'Deployment', 'ones-m365-api');
  const worker = container(objects, 'Deployment', 'ones-m365-worker');
  const migrate = container(objects, 'Job', 'ones-m365-migrate');

  it("probes the api's real routes on its PORT", () => {
    const served = healthRouter({ db: {} as never, redis: {} as never }).stack.map((layer) => layer.route?.path);
    for (const path of probePaths(api)) expect(served).to.include(path);
    expect(api.ports!.find((p) => p.name === 'http')!.containerPort).to.equal(Number(resolvedEnv(objects, api).PORT));
  });

  it("probes the worker's health endpoint on WORKER_HEALTH_PORT, and each probe answers 200 there", async () => {
    const fakeDeps = { db: { query: async () => [{ 1: 1 }] } as never, redis: { ping: async () => 'PONG' } as never };
    const server = await startWorkerHealthServer(fakeDeps, 0, '127.0.0.1');
    try {
      for (const path of probePaths(worker))
        expect((await fetch(`http://127.0.0.1:${server.port}${path}`)).status, path).to.equal(200);
    } finally {
      await server.close();
    }
    expect(worker.ports!.find((p) => p.name === 'health')!.containerPort).to.equal(
      Number(resolvedEnv(objects, worker).WORKER_HEALTH_PORT),
    );
  });

  it('runs the real entry points, as the Dockerfile and the workspaces name them', () => {
    for (const c of [api, worker, migrate]) {
      expect(c.command![0]).to.equal('node');
      expect(existsSync(join(ROOT, sourceOf(c.command![1]!))), c.command![1]).to.equal(true);
    }
    for (const [c, workspace] of [
      [api, 'services/api'],
      [worker, 'services/worker'],
    ] as const) {
      const pkg = JSON.parse(readFileSync(join(ROOT, workspace, 'package.json'), 'utf8')) as { main: string };
      expect(c.command![1]).to.equal(`${workspace}/${pkg.main}`);
    }
    const dockerCmd = JSON.parse(
      /^CMD\s+(\[.*\])$/m.exec(readFileSync(join(ROOT, 'infra/docker/node.Dockerfile'), 'utf8'))![1]!,
    ) as string[];
    expect(dockerCmd).to.deep.equal(api.command);
    const rootPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(sourceOf(migrate.command![1]!)).to.equal(rootPkg.scripts.migrate!.split(' ').at(-1));
  });

  it("runs as the image's user, which is not root, with no privilege escalation and a read-only root", () => {
    const dockerfile = readFileSync(join(ROOT, 'infra/docker/node.Dockerfile'), 'utf8');
    const user = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1] ?? 'root';
    const uid = user.split(':')[0]!;
    expect(uid).to.match(/^\d+$/, 'a numeric USER, so the kubelet can check runAsNonRoot');
    expect(Number(uid)).to.not.equal(0);
    for (const o of objects.filter((x) => x.kind === 'Deployment' || x.kind === 'Job')) {
      const pod = podSpec(o);
      expect(pod.securityContext, o.metadata.name).to.include({ runAsNonRoot: true, runAsUser: Number(uid) });
      for (const c of pod.containers) {
        expect(c.securityContext, c.name).to.include({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
        expect(c.securityContext!.capabilities!.drop).to.include('ALL');
        expect(c.resources!.requests, c.name).to.include.keys('cpu', 'memory');
        expect(c.resources!.limits, c.name).to.include.keys('memory');
      }
    }
  });

  it('lets a stopping worker finish its page: the grace period outlasts the job lock', () => {
    const lockSeconds = Number(resolvedEnv(objects, worker).WORKER_LOCK_DURATION_MS) / 1000;
    expect(
      podSpec(findObject(objects, 'Deployment', 'ones-m365-worker')).terminationGracePeriodSeconds,
    ).to.be.greaterThan(lockSeconds);
  });

  it('exposes the API, webhooks and sign-in over TLS on the host of PUBLIC_BASE_URL, and not the dashboard', () => {
    const ingress = findObject(objects, 'Ingress', 'ones-m365').spec;
    const publicUrl = new URL(resolvedEnv(objects, api).PUBLIC_BASE_URL!);
    expect(publicUrl.protocol).to.equal('https:');
    expect(ingress.tls[0].hosts).to.deep.equal([publicUrl.host]);
    expect(ingress.rules[0].host).to.equal(publicUrl.host);
    const paths = ingress.rules[0].http.paths as { path: string; backend: { service: { name: string } } }[];
    expect(paths.map((p) => p.path)).to.include.members(['/api/v1', '/webhooks/graph', '/auth']);
    expect(paths.map((p) => p.path).some((p) => '/admin/queues'.startsWith(p) || '/metrics'.startsWith(p))).to.equal(
      false,
    );
    for (const p of paths) findObject(objects, 'Service', p.backend.service.name);
  });

  it('selects the right pods: Service, budgets, autoscaler and ServiceMonitor', () => {
    const apiLabels = findObject(objects, 'Deployment', 'ones-m365-api').spec.template.metadata.labels;
    const service = findObject(objects, 'Service', 'ones-m365-api');
    expect(apiLabels).to.include(service.spec.selector);
    expect(apiLabels).to.include(findObject(objects, 'PodDisruptionBudget', 'ones-m365-api').spec.selector.matchLabels);
    expect(findObject(objects, 'HorizontalPodAutoscaler', 'ones-m365-api').spec.scaleTargetRef.name).to.equal(
      'ones-m365-api',
    );
    expect(findObject(objects, 'Deployment', 'ones-m365-api').spec.replicas).to.be.at.least(2);
    expect(service.metadata.labels).to.include(
      findObject(objects, 'ServiceMonitor', 'ones-m365-api').spec.selector.matchLabels,
    );
  });

  it('carries the alerts of infra/prometheus/alerts.yml as its PrometheusRule, unchanged', () => {
    expect(readFileSync(PROMETHEUS_RULE_FILE, 'utf8')).to.equal(
      renderPrometheusRule(readFileSync(ALERTS_FILE, 'utf8')),
    );
  });
});
