/**
 * `npm run k8s:prometheus-rule`: writes infra/k8s/prometheus-rule.yaml from
 * infra/prometheus/alerts.yml, so the PrometheusRule and the plain Prometheus rules are one
 * source. A test fails when the committed file is not what this renders.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dump, load } from 'js-yaml';

export const ALERTS_FILE = fileURLToPath(new URL('../prometheus/alerts.yml', import.meta.url));
export const PROMETHEUS_RULE_FILE = fileURLToPath(new URL('./prometheus-rule.yaml', import.meta.url));

const HEADER = `# Generated from infra/prometheus/alerts.yml by \`npm run k8s:prometheus-rule\`: edit that file,
# then run it. What each alert means and what to do: README, "Operating it".
`;

export function renderPrometheusRule(alertsYaml: string): string {
  const { groups } = load(alertsYaml) as { groups: unknown[] };
  const rule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'ones-m365' },
    spec: { groups },
  };
  return HEADER + dump(rule, { lineWidth: -1, noRefs: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(PROMETHEUS_RULE_FILE, renderPrometheusRule(readFileSync(ALERTS_FILE, 'utf8')));
  console.log(`wrote ${PROMETHEUS_RULE_FILE}`);
}
