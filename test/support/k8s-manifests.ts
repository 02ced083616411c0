/**
 * The Kubernetes base (infra/k8s) as the objects kustomize would emit: every document of every
 * resource file, with the kustomization's common labels added to each object's labels (as
 * `labels: [{pairs}]` does, without touching selectors) and its image names rewritten; with a
 * component (infra/k8s/<name>, `kind: Component`), its JSON 6902 patches applied after that (as
 * `components:` in an overlay does).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAll, load } from 'js-yaml';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const K8S_DIR = join(ROOT, 'infra/k8s');

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  /** Checked field by field by the specs, after the models validated the whole object. */
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  file: string;
}

interface Kustomization {
  resources: string[];
  labels?: { pairs: Record<string, string> }[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

export function readKustomization(): Kustomization {
  return load(readFileSync(join(K8S_DIR, 'kustomization.yaml'), 'utf8')) as Kustomization;
}

/** The yaml files of infra/k8s other than the kustomization itself. */
export function manifestFiles(): string[] {
  return readdirSync(K8S_DIR)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort();
}

/** The components of the base: the directories of infra/k8s with a `kind: Component` kustomization. */
export const COMPONENTS = ['redis-cluster'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

interface Component {
  kind: string;
  patches: { target: { kind: string; name: string }; patch: string }[];
}

type PatchOp = { op: 'add' | 'remove' | 'replace' | 'test'; path: string; value?: unknown };

/** RFC 6902 on a plain object (the ops kustomize's patches use here), in place. */
function applyJsonPatch(doc: unknown, ops: PatchOp[], where: string): void {
  for (const { op, path, value } of ops) {
    const parts = path
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop()!;
    let parent = doc as Record<string, unknown>;
    for (const p of parts) {
      parent = parent?.[p] as Record<string, unknown>;
      if (parent === undefined) throw new Error(`${where}: ${op} ${path}: no such path`);
    }
    const isArray = Array.isArray(parent);
    const index = last === '-' ? (parent as unknown as unknown[]).length : Number(last);
    if (op !== 'add' && !(last in parent)) throw new Error(`${where}: ${op} ${path}: no such path`);
    if (op === 'test') {
      if (JSON.stringify(parent[last]) !== JSON.stringify(value))
        throw new Error(`${where}: test ${path}: ${JSON.stringify(parent[last])} is not ${JSON.stringify(value)}`);
    } else if (op === 'remove') {
      if (isArray) (parent as unknown as unknown[]).splice(index, 1);
      else delete parent[last];
    } else if (op === 'add' && isArray) (parent as unknown as unknown[]).splice(index, 0, value);
    else parent[last] = value;
  }
}

export function readComponent(name: ComponentName): Component {
  return load(readFileSync(join(K8S_DIR, name, 'kustomization.yaml'), 'utf8')) as Component;
}

export function loadManifests(components: readonly ComponentName[] = []): K8sObject[] {
  const k = readKustomization();
  const labels = Object.assign({}, ...(k.labels ?? []).map((l) => l.pairs)) as Record<string, string>;
  const objects = k.resources.flatMap((file) =>
    loadAll(readFileSync(join(K8S_DIR, file), 'utf8'))
      .filter((doc): doc is Omit<K8sObject, 'file'> => doc !== null && typeof doc === 'object')
      .map((doc) => ({ ...doc, metadata: { ...doc.metadata, labels: { ...doc.metadata.labels, ...labels } }, file })),
  );
  for (const name of components) {
    const component = readComponent(name);
    if (component.kind !== 'Component') throw new Error(`infra/k8s/${name} is not a kustomize Component`);
    for (const { target, patch } of component.patches) {
      const o = findObject(objects, target.kind, target.name);
      applyJsonPatch(o, load(patch) as PatchOp[], `infra/k8s/${name}: ${target.kind} ${target.name}`);
    }
  }
  return objects;
}

export function findObject(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in infra/k8s`);
  return found;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string } };
  }[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
}

/** The pod template spec of a Deployment or Job. */
export function podSpec(o: K8sObject): {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  terminationGracePeriodSeconds?: number;
} {
  return o.spec.template.spec;
}

/** The container's environment with ConfigMap and Secret references resolved to their values. */
export function resolvedEnv(objects: K8sObject[], c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    const cm = e.valueFrom?.configMapKeyRef;
    const secret = e.valueFrom?.secretKeyRef;
    if (cm) env[e.name] = findObject(objects, 'ConfigMap', cm.name).data![cm.key]!;
    else if (secret) env[e.name] = findObject(objects, 'Secret', secret.name).stringData![secret.key]!;
    else env[e.name] = e.value!;
  }
  return env;
}
