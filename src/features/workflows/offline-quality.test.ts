/**
 * The first thing a new user without a key runs is a built-in template on the offline
 * model. It must not look broken: it quotes only the user's material (never the template's
 * instructions), never repeats a sentence, follows the sections the step asks for, names
 * the planted risks, and proposes insights only from lines it can point to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFrames } from '../../testing/sse-client.js';
import { dbKinds, newUser, startTestServer, type TestServer, type TestUser } from '../../testing/harness.js';

const planted = `# main.tf
resource "aws_s3_bucket_acl" "assets" {
  bucket = aws_s3_bucket.assets.id
  acl    = "public-read"
}
resource "aws_security_group_rule" "ssh" {
  type        = "ingress"
  from_port   = 22
  cidr_blocks = ["0.0.0.0/0"]
}
# policy.json
{ "Statement": [{ "Effect": "Allow", "Action": "*", "Resource": "*" }] }
# deployment.yaml
securityContext:
  privileged: true
# config.env
DB_PASSWORD=hunter2-in-plain-text
The payments service stores card tokens in PostgreSQL and calls the fraud API over HTTPS.`;

const plantedLines = [
  'acl    = "public-read"',
  'cidr_blocks = ["0.0.0.0/0"]',
  '"Action": "*"',
  'privileged: true',
  'DB_PASSWORD=hunter2-in-plain-text',
];
/** Sentences of the Security Review template's own instructions. */
const instructions = [
  'Review only what the material shows',
  'No evidence, no finding',
  'A numbered entry per issue',
  'do not report generic best practice',
];

function bullets(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('- '))
    .map((l) => l.slice(2));
}

describe.each(dbKinds)('the offline model on a built-in template, on %s', (kind) => {
  let server: TestServer;
  let user: TestUser;
  beforeAll(async () => {
    server = await startTestServer(kind);
    user = await newUser(server);
  });
  afterAll(() => server.close());

  it('Security Review names the planted risks from the material, in the asked-for sections, and never quotes its instructions', async () => {
    const p = await user.client.trpc.projects.create.mutate({ name: 'Infra' });
    const wf = await user.client.trpc.workflows.fromTemplate.mutate({ templateId: 'security-review', projectId: p.id });
    const run = await user.client.trpc.workflows.run.mutate({ workflowId: wf.id, input: planted });
    const res = await user.client.fetch(`${server.url}/api/v1/events/workflows/${run.id}`, {
      headers: user.client.headers(),
    });
    const frames = await readFrames(res);
    expect(frames.at(-1)?.event).toBe('run.completed');
    const done = await user.client.trpc.runs.get.query({ id: run.id });
    const outputs = done.steps.map((s) => s.output ?? '');
    expect(outputs).toHaveLength(4);
    for (const [i, out] of outputs.entries()) {
      for (const phrase of instructions) expect(out.toLowerCase(), `step ${i}`).not.toContain(phrase.toLowerCase());
      const said = bullets(out);
      expect(new Set(said).size, `step ${i} repeats a line`).toBe(said.length);
    }
    // Scan: every planted issue, under the sections the prompt asks for.
    const scan = outputs[0]!;
    for (const line of plantedLines) expect(scan).toContain(line.replaceAll('`', "'"));
    expect(scan).toMatch(/^## Findings$/m);
    expect(scan).toMatch(/^## Done well$/m);
    expect(scan).toMatch(/offline model: an extractive stand-in/);
    expect(scan).toMatch(/Ollama/);

    const insights = await user.client.trpc.runs.insights.query({ id: run.id });
    expect(insights.length).toBeGreaterThanOrEqual(plantedLines.length);
    for (const i of insights) {
      expect(
        plantedLines.some((line) => i.detail.includes(line)),
        `${i.title}: ${i.detail}`,
      ).toBe(true);
      expect(i.category).toBe('security');
      for (const phrase of instructions)
        expect(`${i.title} ${i.category}`.toLowerCase()).not.toContain(phrase.toLowerCase());
    }
    expect(new Set(insights.map((i) => i.detail)).size).toBe(insights.length);
    // The "# file" headers make this code: the analyzers name what their rules cover, at the
    // file's own line; the offline model's line signals still name the rest (a YAML fragment
    // that is no Kubernetes manifest, an .env file).
    expect(insights.map((i) => i.title)).toEqual(
      expect.arrayContaining([
        'Publicly readable storage bucket (main.tf:3)',
        'Ingress open to the whole internet (main.tf:8)',
        'IAM policy allows every action or resource (policy.json:1)',
        'Container runs privileged',
        'Secret in plain text',
      ]),
    );
  });

  it('a consensus discussion does not repeat itself and its synthesis has the Agreed / Disputed / Positions sections', async () => {
    const { id } = await user.client.trpc.discussions.create.mutate({
      title: 'Queues',
      mode: 'consensus',
      consensusRounds: 2,
      participants: [{ provider: 'offline' }, { provider: null }],
      message:
        'We run one Postgres for jobs and data. Redis is already deployed for caching. The team has two people on call. Should the job queue move to Redis?',
    });
    for (let i = 0; i < 100; i++) {
      const d = await user.client.trpc.discussions.get.query({ id });
      if (d.messages.some((m) => m.authorKind === 'synthesis' && m.status === 'complete')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const d = await user.client.trpc.discussions.get.query({ id });
    const answers = d.messages.filter((m) => m.authorKind !== 'user');
    expect(answers.length).toBeGreaterThanOrEqual(5);
    for (const m of answers) {
      const said = bullets(m.content);
      expect(new Set(said).size, m.content).toBe(said.length);
    }
    const synthesis = answers.find((m) => m.authorKind === 'synthesis');
    expect(synthesis?.content).toMatch(/^## Agreed$/m);
    expect(synthesis?.content).toMatch(/^## Disputed$/m);
    expect(synthesis?.content).toMatch(/^## Positions$/m);
  });
});
