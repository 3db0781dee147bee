import { describe, expect, it } from 'vitest';
import { createSecretsAnalyzer } from './secrets-analyzer.js';

const FAKE_KEY = 'AKIAQ7FAKEKEY0000000';

describe('secretlint analyzer', () => {
  it('finds a fake AWS access key id in a .env file and never includes it in the result', async () => {
    const text = `# local settings\nAWS_REGION=eu-west-1\nAWS_ACCESS_KEY_ID=${FAKE_KEY}\n`;
    const findings = await createSecretsAnalyzer().analyze({ path: '.env', language: 'text', text, blobSha: '' });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'secret/aws',
      confidence: 'high',
      location: { path: '.env', startLine: 3, startColumn: 19, endLine: 3, endColumn: 39 },
    });
    expect(findings[0]?.matchedText).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(findings)).not.toContain(FAKE_KEY);
    expect(JSON.stringify(findings)).not.toContain('FAKEKEY');
  });

  it('lowers the severity in test fixtures and stays quiet on clean files', async () => {
    const analyzer = createSecretsAnalyzer();
    const [fixture] = await analyzer.analyze({
      path: 'test/fixtures/creds.json',
      language: 'json',
      text: `{ "key": "${FAKE_KEY}" }`,
      blobSha: '',
    });
    expect(fixture?.severity).toBe('high');
    expect(
      await analyzer.analyze({ path: 'a.yml', language: 'yaml', text: 'name: app\nport: 8080\n', blobSha: '' }),
    ).toEqual([]);
  });

  it('still finds the other kinds the quick pre-check must let through (a token, a password in a connection string)', async () => {
    const analyzer = createSecretsAnalyzer();
    const token = `ghp_${'A1b2C3d4E5'.repeat(3)}abcdef`;
    const text = `export const token = '${token}';\nexport const db = 'postgres://admin:s3cr3tPassw0rd@db.internal:5432/app';\n`;
    const rules = (await analyzer.analyze({ path: 'src/config.ts', language: 'typescript', text, blobSha: '' })).map(
      (f) => f.ruleId,
    );
    expect(rules).toEqual(['secret/github', 'secret/database-connection-string']);
  });
});
