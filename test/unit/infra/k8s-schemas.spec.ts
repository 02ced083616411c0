/**
 * Every object of the Kubernetes base validates, offline, against the API schemas of its kind
 * (kubernetes-models, with the KEDA and prometheus-operator models), and the base holds every
 * object a deployment needs.
 */
import { expect } from 'chai';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import {
  COMPONENTS,
  findObject,
  loadManifests,
  manifestFiles,
  readKustomization,
  type K8sObject,
} from '../../support/k8s-manifests.js';

type Model = new (data: never) => { validate(): void };
const MODELS: Record<string, Model> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

function validate(o: K8sObject): void {
  const model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!model) throw new Error(`${o.file}: no schema known for ${o.apiVersion} ${o.kind}`);
  const { file: _file, ...body } = o;
  try {
    new model(body as never).validate();
  } catch (err) {
    throw new Error(`${o.file}: ${o.kind} ${o.metadata.name} is invalid: ${(err as Error).message}`, { cause: err });
  }
}

describe('Kubernetes base (infra/k8s): API schemas', () => {
  let objects: K8sObject[];
  before(function () {
    this.timeout(30_000); // the models' schemas load once
    objects = loadManifests();
  });

  it('lists every manifest file in its kustomization, each once', () => {
    const listed = readKustomization().resources;
    expect([...listed].sort()).to.deep.equal(manifestFiles());
    expect(new Set(listed).size).to.equal(listed.length);
  });

  it('validates each object against the schema of its kind', () => {
    expect(objects.length).to.be.greaterThan(0);
    for (const o of objects) validate(o);
  });

  it('validates each object with each component applied (its patches apply to the base: their tests hold)', () => {
    for (const name of COMPONENTS) {
      const patched = loadManifests([name]);
      expect(patched.map((o) => `${o.kind}/${o.metadata.name}`)).to.deep.equal(
        objects.map((o) => `${o.kind}/${o.metadata.name}`),
      );
      for (const o of patched) validate(o);
    }
  });

  it('refuses an object the schema rejects (the check is not vacuous)', () => {
    const api = structuredClone(findObject(objects, 'Deployment', 'ones-m365-api'));
    api.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => validate(api)).to.throw(/containerPort/);
  });

  it('holds every object a deployment needs, one name each', () => {
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(kinds).size).to.equal(kinds.length);
    for (const [kind, name] of [
      ['Deployment', 'ones-m365-api'],
      ['Deployment', 'ones-m365-worker'],
      ['Job', 'ones-m365-migrate'],
      ['Service', 'ones-m365-api'],
      ['Ingress', 'ones-m365'],
      ['PodDisruptionBudget', 'ones-m365-api'],
      ['HorizontalPodAutoscaler', 'ones-m365-api'],
      ['ScaledObject', 'ones-m365-worker'],
      ['ConfigMap', 'ones-m365-config'],
      ['Secret', 'ones-m365-secrets'],
      ['ServiceMonitor', 'ones-m365-api'],
      ['PrometheusRule', 'ones-m365'],
    ] as const)
      findObject(objects, kind, name);
    expect(objects.some((o) => o.kind === 'NetworkPolicy')).to.equal(true);
  });
});
