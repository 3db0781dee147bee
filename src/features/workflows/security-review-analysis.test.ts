/**
 * The built-in Security Review on pasted code and infrastructure configuration: without a
 * key its Scan reports what the deterministic analyzers find (rule, severity, file:line,
 * evidence, fix, CWE) and its review step proposes each as an insight; with a key, the same
 * findings are in the Scan prompt the model receives. Prose input behaves as before.
 */
import { describe, expect, it } from 'vitest';
import { dbKinds, newUser, type TestServer, type TestUser } from '../../testing/harness.js';
import type { FakeLlmServer } from '../../testing/fake-llm-server.js';
import { addFakeKey } from '../../testing/fake-keys.js';
import { useServers } from '../../testing/suite.js';
import { readFrames } from '../../testing/sse-client.js';

const fence = '```';
const pasted = `Please review the service before launch.

${fence}hcl main.tf
resource "aws_s3_bucket_acl" "assets" {
  bucket = aws_s3_bucket.assets.id
  acl    = "public-read"
}

resource "aws_security_group" "web" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
${fence}

${fence}yaml title="deploy.yaml"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: x:latest
          securityContext:
            privileged: true
${fence}

${fence}
FROM node:latest
COPY . /app
CMD ["node", "/app/server.js"]
${fence}

File: server.js
${fence}js
const { exec } = require('child_process');
module.exports = function handler(req, res) {
  const input = req.query.name;
  exec('ls ' + input, (err, out) => res.send(out));
};
${fence}
`;

/** What the analyzers must name, at the file's own line numbers. */
const expected = [
  { location: 'main.tf:3', rule: 'iac/public-bucket', evidence: 'acl    = "public-read"' },
  { location: 'main.tf:11', rule: 'iac/open-ingress', evidence: 'cidr_blocks = ["0.0.0.0/0"]' },
  { location: 'deploy.yaml:12', rule: 'k8s/privileged-container', evidence: 'privileged: true' },
  { location: 'deploy.yaml:10', rule: 'container/latest-tag', evidence: 'image: x:latest' },
  { location: 'Dockerfile:1', rule: 'container/latest-tag', evidence: 'FROM node:latest' },
  { location: 'Dockerfile:1', rule: 'container/root-user', evidence: 'FROM node:latest' },
  { location: 'server.js:4', rule: 'js/command-injection', evidence: "exec('ls ' + input" },
];

const prose = `The payments service stores card tokens in PostgreSQL and calls the fraud API over HTTPS.
Admins sign in with a password and no second factor. Sessions last thirty days and are never revoked on logout.
Support staff can read every tenant's invoices from the back office.`;

describe.each(dbKinds)('Security Review grounded in static analysis, on %s', (kind) => {
  let server: TestServer;
  let fake: FakeLlmServer;
  useServers(kind, (s) => ({ server, fake } = s));

  async function runToEnd(u: TestUser, workflowId: string, input: string) {
    const run = await u.client.trpc.workflows.run.mutate({ workflowId, input });
    const res = await u.client.fetch(`${server.url}/api/v1/events/workflows/${run.id}`, {
      headers: u.client.headers(),
    });
    const frames = await readFrames(res);
    expect(frames.at(-1)?.event).toBe('run.completed');
    return { run, detail: await u.client.trpc.runs.get.query({ id: run.id }) };
  }

  it('offline: the Scan names every finding with its line, the review proposes each as an insight, the summary ranks them', async () => {
    const a = await newUser(server);
    const p = await a.client.trpc.projects.create.mutate({ name: 'Launch' });
    const wf = await a.client.trpc.workflows.fromTemplate.mutate({ templateId: 'security-review', projectId: p.id });
    const { run, detail } = await runToEnd(a, wf.id, pasted);
    const [scan, prioritise, findings, summary] = detail.steps.map((s) => s.output ?? '');
    expect(detail.steps.map((s) => s.provider)).toEqual(['offline', 'offline', 'offline', 'offline']);

    const findingsSection = /^## Findings\n([\s\S]*?)(?=^## )/m.exec(scan!)?.[1] ?? '';
    for (const f of expected) {
      const entry = findingsSection
        .split(/\n(?=\d+\. )/)
        .find((e) => e.includes(`\`${f.location}\``) && e.includes(`rule \`${f.rule}\``));
      expect(entry, `${f.location} in:\n${findingsSection}`).toBeDefined();
      expect(entry).toContain(`rule \`${f.rule}\``);
      expect(entry).toContain(f.evidence);
      expect(entry).toMatch(/CWE-\d+/);
      expect(entry).toMatch(/Why it matters: \S/);
      expect(entry).toMatch(/Fix: \S/);
    }
    expect(findingsSection).toMatch(/server\.js:4` · blocker · CWE-78/);
    // And where each sits in what was pasted.
    const pastedLines = pasted.split('\n');
    for (const [, at, line] of findingsSection.matchAll(/`([\w.]+:\d+)`.*· line (\d+) of the input/g)) {
      const f = expected.find((e) => e.location === at);
      expect(pastedLines[Number(line) - 1], at).toContain(f?.evidence ?? '(not an expected finding)');
    }
    expect([...findingsSection.matchAll(/of the input/g)]).toHaveLength(expected.length);
    // Most severe first: the command injection before the public bucket before the latest tags.
    expect(findingsSection.indexOf('server.js:4')).toBeLessThan(findingsSection.indexOf('main.tf:3'));
    expect(findingsSection.indexOf('main.tf:3')).toBeLessThan(findingsSection.indexOf('Dockerfile:1'));
    expect(scan).toMatch(/^## Done well$/m);

    // Prioritise puts them into tiers by severity; nothing is listed twice.
    const fixNow = /^## Fix now\n([\s\S]*?)(?=^## )/m.exec(prioritise!)?.[1] ?? '';
    const later = /^## Later\n([\s\S]*?)(?=^## |$(?![\s\S]))/m.exec(prioritise!)?.[1] ?? '';
    for (const at of ['server.js:4', 'main.tf:3', 'main.tf:11', 'deploy.yaml:12']) expect(fixNow).toContain(at);
    for (const at of ['deploy.yaml:10', 'Dockerfile:1']) expect(later).toContain(at);
    const bullets = prioritise!.split('\n').filter((l) => l.startsWith('- '));
    expect(new Set(bullets).size).toBe(bullets.length);

    // The review step proposes one insight per finding, with the line and the evidence.
    const insights = await a.client.trpc.runs.insights.query({ id: run.id });
    for (const f of expected) {
      const i = insights.find((x) => x.detail.startsWith(`${f.location}:`) && x.detail.includes(f.rule));
      expect(i, `${f.location} ${f.rule} in ${insights.map((x) => x.detail).join('\n')}`).toBeDefined();
      expect(i!.detail).toContain(f.evidence);
      expect(i!.title).toContain(f.location);
      expect(i!.category).toBe('security');
      expect(i!.type).toBe('pain_point');
      expect(i!.suggestion.length).toBeGreaterThan(20);
      expect(findings).toContain(i!.title);
    }
    expect(insights.find((i) => i.detail.startsWith('server.js:4'))?.severity).toBe('blocker');
    expect(insights.find((i) => i.detail.startsWith('main.tf:11'))?.severity).toBe('high');
    expect(insights.find((i) => i.detail.startsWith('Dockerfile:1:'))?.severity).toBe('low');
    expect(insights).toHaveLength(expected.length);
    // Proposed, like any review step's insights: they wait for triage.
    expect(new Set(insights.map((i) => i.status))).toEqual(new Set(['proposed']));

    expect(summary).toMatch(/^## Risk posture\n- Overall rating: critical\./m);
    const actions = /^## Top 3 actions\n([\s\S]*?)(?=^## )/m.exec(summary!)?.[1] ?? '';
    expect(actions.split('\n').filter((l) => /^\d\. /.test(l))).toHaveLength(3);
    expect(actions).toContain('server.js:4');
  });

  it('offline: prose input gives the same Scan as a Security Review without material analysis', async () => {
    const a = await newUser(server);
    const p = await a.client.trpc.projects.create.mutate({ name: 'Prose' });
    const wf = await a.client.trpc.workflows.fromTemplate.mutate({ templateId: 'security-review', projectId: p.id });
    const def = await a.client.trpc.workflows.get.query({ id: wf.id });
    expect(def.steps[0]?.analyzeMaterial).toBe(true);
    const plain = await a.client.trpc.workflows.create.mutate({
      name: 'Plain review',
      projectId: p.id,
      steps: def.steps.map((s) => ({ ...s, analyzeMaterial: false })),
    });
    const withHook = await runToEnd(a, wf.id, prose);
    const without = await runToEnd(a, plain.id, prose);
    expect(withHook.detail.steps.map((s) => s.output)).toEqual(without.detail.steps.map((s) => s.output));
    expect(withHook.detail.steps[0]?.output).not.toContain('rule `');
  });

  it('with a key: the Scan prompt the model receives carries the static findings', async () => {
    const a = await newUser(server);
    await addFakeKey(a, fake);
    const p = await a.client.trpc.projects.create.mutate({ name: 'Keyed' });
    const wf = await a.client.trpc.workflows.fromTemplate.mutate({ templateId: 'security-review', projectId: p.id });
    fake.script.openai.push(
      { kind: 'ok', text: 'SCAN-OUTPUT cites server.js:4' },
      { kind: 'ok', text: 'PRIORITISED' },
      { kind: 'ok', text: '{"insights": []}' },
      { kind: 'ok', text: 'SUMMARY' },
    );
    const before = fake.requests.length;
    const { detail } = await runToEnd(a, wf.id, pasted);
    expect(detail.steps[0]?.provider).toBe('openai');
    const prompts = fake.requests.slice(before).map((r) => JSON.stringify(r.body.messages));
    const scanPrompt = prompts.find((m) => m.includes('Material under review')) ?? '';
    expect(scanPrompt).toContain('Static analysis found: 7 issue(s)');
    for (const f of expected) expect(scanPrompt).toContain(`${f.location} — ${f.rule}`);
    expect(scanPrompt).toContain(JSON.stringify("`exec('ls ' + input, (err, out) => res.send(out));`").slice(1, -1));
    // Only the Scan is told: later steps see its answer.
    expect(prompts.filter((m) => m.includes('Static analysis found'))).toHaveLength(1);
  });
});
