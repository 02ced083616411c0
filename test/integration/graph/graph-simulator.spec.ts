/**
 * The Graph client against the Graph simulator over real HTTPS. The cases run in a child process
 * so that NODE_EXTRA_CA_CERTS (read by Node only at start) trusts the simulator's CA: see
 * child-runner.ts for why the client itself takes no CA option. Each child test is replayed here
 * as a test of this layer, with the child's failure message.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCasesInChild } from './child-runner.js';

const casesDir = join(dirname(fileURLToPath(import.meta.url)), 'cases');
const caseFiles = readdirSync(casesDir)
  .filter((f) => f.endsWith('.cases.ts'))
  .sort()
  .map((f) => join(casesDir, f));

const outcome = await runCasesInChild(caseFiles);

describe(`graph client against the simulator (child process, NODE_EXTRA_CA_CERTS; ${outcome.durationMs} ms)`, () => {
  if (outcome.crash !== undefined) {
    it('runs the simulator cases', () => {
      throw new Error(outcome.crash);
    });
    return;
  }
  it('ran every case file', () => {
    if (outcome.tests.length === 0) throw new Error('the child reported no tests');
  });
  for (const t of outcome.tests) {
    it(t.fullTitle, () => {
      if (t.state === 'failed') throw new Error(t.error ?? 'failed in the child');
      // A case left pending in the child is a gap, not a pass: nothing here is skipped.
      if (t.state === 'pending') throw new Error('pending in the child: no case may be skipped');
    });
  }
});
