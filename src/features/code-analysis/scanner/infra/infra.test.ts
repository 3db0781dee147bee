import { describe, expect, it } from 'vitest';
import { gitBlobSha } from '../inventory.js';
import type { Language, SourceFile } from '../types.js';
import {
  createInfraAnalyzer,
  loadBuiltinInfraRules,
  loadInfraRules,
  runInfraRules,
  type InfraRule,
} from './analyzer.js';

const { rules, errors } = loadBuiltinInfraRules();

function fileFor(rule: InfraRule, text: string): SourceFile {
  const language = rule.languages[0] as Language;
  const path =
    language === 'dockerfile'
      ? 'Dockerfile'
      : language === 'terraform'
        ? 'main.tf'
        : language === 'json'
          ? 'policy.json'
          : language === 'shell'
            ? 'install.sh'
            : rule.where === 'actions'
              ? '.github/workflows/ci.yml'
              : 'deploy.yaml';
  const body = rule.where === 'k8s' ? `apiVersion: v1\nkind: Pod\n${text}` : text;
  return { path, language, text: body, blobSha: gitBlobSha(Buffer.from(body)) };
}

describe('infrastructure rules', () => {
  it('all load', () => {
    expect(errors).toEqual([]);
    expect(rules.length).toBeGreaterThanOrEqual(12);
  });

  for (const rule of rules) {
    it(`${rule.id}: reports its invalid examples and not its valid ones`, () => {
      for (const example of rule.tests.invalid)
        expect(
          runInfraRules([rule], fileFor(rule, example)).map((f) => f.ruleId),
          example,
        ).toContain(rule.id);
      for (const example of rule.tests.valid)
        expect(runInfraRules([rule], fileFor(rule, example)), example).toEqual([]);
    });
  }

  it('names real findings with their lines in a Terraform module, a manifest and a Dockerfile', async () => {
    const analyzer = createInfraAnalyzer(rules);
    const tf =
      'resource "aws_s3_bucket_acl" "site" {\n  bucket = aws_s3_bucket.site.id\n  acl    = "public-read"\n}\n\nresource "aws_security_group" "ssh" {\n  ingress {\n    from_port   = 22\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';
    const found = await analyzer.analyze({ path: 'infra/main.tf', language: 'terraform', text: tf, blobSha: 'x' });
    expect(found.map((f) => [f.ruleId, f.location.startLine])).toEqual([
      ['iac/public-bucket', 3],
      ['iac/open-ingress', 9],
    ]);
    const pod =
      'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app\n      image: nginx:latest\n      securityContext:\n        privileged: true\n';
    const podFindings = await analyzer.analyze({ path: 'k8s/pod.yaml', language: 'yaml', text: pod, blobSha: 'x' });
    expect(podFindings.map((f) => [f.ruleId, f.location.startLine]).sort()).toEqual([
      ['container/latest-tag', 6],
      ['k8s/privileged-container', 8],
    ]);
    // The same line in a non-Kubernetes YAML file is not a manifest setting.
    expect(
      await analyzer.analyze({ path: 'config.yaml', language: 'yaml', text: 'privileged: true\n', blobSha: 'x' }),
    ).toEqual([]);
  });

  it('never puts a plaintext secret into the fingerprint text', () => {
    const rule = rules.find((r) => r.id === 'iac/plaintext-secret') as InfraRule;
    const [finding] = runInfraRules([rule], {
      path: 'main.tf',
      language: 'terraform',
      text: '  db_password = "Sup3rS3cretValue"\n',
      blobSha: 'x',
    });
    expect(finding?.matchedText).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(finding)).not.toContain('Sup3rS3cretValue');
  });

  it('reports a broken rule file by field and still loads the good rules', () => {
    const text = `rules:\n  - id: x/ok\n    name: ok\n    category: security\n    severity: low\n    languages: [yaml]\n    pattern: 'a'\n    summary: s\n    help: h\n    tests: { invalid: [a, aa], valid: [b, bb] }\n  - id: x/bad\n    name: bad\n    category: nonsense\n    severity: low\n    languages: [yaml]\n    pattern: '('\n    summary: s\n    help: h\n    tests: { invalid: [a, aa], valid: [b, bb] }\n`;
    const loaded = loadInfraRules(text, 'team.yml');
    expect(loaded.rules.map((r) => r.id)).toEqual(['x/ok']);
    expect(loaded.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('field `category`'),
      expect.stringContaining('field `pattern`: not a valid regular expression'),
    ]);
    expect(loadInfraRules('rules: [', 'broken.yml').errors[0]?.message).toMatch(/not valid YAML/);
  });
});
