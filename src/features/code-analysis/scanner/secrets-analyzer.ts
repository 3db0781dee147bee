/**
 * Secrets (tool `secretlint`): secretlint's recommended preset over every text file (code,
 * `.env`, YAML, JSON…). A finding never carries the secret: the message is secretlint's masked
 * one, and `matchedText` — which the fingerprint hashes and the UI may show — is a hash of it.
 */
import { createHash } from 'node:crypto';
import { lintSource } from '@secretlint/core';
import { creator as presetRecommend } from '@secretlint/secretlint-rule-preset-recommend';
import { isTestPath, lowerSeverity } from './test-paths.js';
import type { FileAnalyzer, Location, RawFinding, RuleMeta, Severity } from './types.js';

export const SECRETS_ANALYZER_VERSION = '2';

/**
 * Every detector of the recommended preset needs one of these markers in the text (key
 * prefixes, PEM headers, `user:pass@` in a URL, AWS/npm/GCP context words), so a file
 * without any is skipped without running secretlint: most source files have none.
 */
const MARKERS =
  /AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA|aws|PRIVATE KEY|private_key|_authToken|npm_|xox[abopr]-|xapp-|hooks\.slack\.com|SG\.|shp(?:at|ca|pa|ss)_|T3BlbkFJ|sk-|lin_api_|ops_|gh[pousr]_|github_pat_|:\/\/[^\s/@]*:[^\s/@]*@/i;

const PRESET_ID = '@secretlint/secretlint-rule-preset-recommend';

/** secretlint rule (without the package prefix) → what users see. */
const KNOWN: Record<string, { name: string; severity: Severity }> = {
  aws: { name: 'AWS credentials', severity: 'critical' },
  gcp: { name: 'Google Cloud service-account key', severity: 'critical' },
  privatekey: { name: 'Private key', severity: 'critical' },
  github: { name: 'GitHub token', severity: 'critical' },
  npm: { name: 'npm token', severity: 'high' },
  slack: { name: 'Slack token or webhook', severity: 'high' },
  sendgrid: { name: 'SendGrid API key', severity: 'high' },
  shopify: { name: 'Shopify token', severity: 'high' },
  openai: { name: 'OpenAI API key', severity: 'critical' },
  anthropic: { name: 'Anthropic API key', severity: 'critical' },
  linear: { name: 'Linear API key', severity: 'high' },
  '1password': { name: '1Password service-account token', severity: 'critical' },
  basicauth: { name: 'Credentials in a URL (basic auth)', severity: 'high' },
  'database-connection-string': { name: 'Database connection string with a password', severity: 'high' },
};

const HELP = [
  'A live credential in the repository is readable by everyone with access to it, in every',
  'clone and fork, and stays in the git history after it is deleted.',
  '',
  '**Fix:** revoke and rotate the credential first, then remove it from the code and read it',
  'from the environment or a secret store. Rewriting history does not un-leak it.',
].join('\n');

function shortName(ruleId: string): string {
  return ruleId.replace(/^@secretlint\/secretlint-rule-/, '');
}

function metaFor(name: string): RuleMeta {
  const known = KNOWN[name];
  return {
    id: `secret/${name}`,
    tool: 'secretlint',
    name: known?.name ?? `Secret (${name})`,
    category: 'security',
    severity: known?.severity ?? 'high',
    cwe: ['CWE-798'],
    summary: `${known?.name ?? 'A secret'} is committed in this file.`,
    help: HELP,
    languages: ['text'],
  };
}

export const SECRET_RULES: RuleMeta[] = Object.keys(KNOWN).map(metaFor);

/** 1-based line/column (UTF-16 units) of each offset; secretlint reports character offsets. */
function locate(text: string, path: string, start: number, end: number): Location {
  const position = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
  };
  const s = position(start);
  const e = position(end);
  return { path, startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column };
}

function mask(message: string, secret: string): string {
  return secret.length > 0 ? message.split(secret).join('*'.repeat(Math.min(secret.length, 20))) : message;
}

export async function analyzeSecrets(path: string, text: string): Promise<RawFinding[]> {
  if (!MARKERS.test(text)) return [];
  const result = await lintSource({
    source: { content: text, filePath: `/virtual/${path}`, contentType: 'text' },
    options: {
      maskSecrets: true,
      noPhysicFilePath: true,
      config: {
        rules: [
          {
            id: PRESET_ID,
            rule: presetRecommend,
            rules: [{ id: '@secretlint/secretlint-rule-aws', options: { enableIDScanRule: true } }],
          },
        ],
      },
    },
  });
  const isFixture = isTestPath(path);
  return result.messages.map((m) => {
    const [start, end] = m.range;
    const secret = text.slice(start, end);
    const meta = metaFor(shortName(m.ruleId));
    return {
      ruleId: meta.id,
      message: mask(m.message, secret),
      ...(isFixture ? { severity: lowerSeverity(meta.severity) } : {}),
      confidence: 'high',
      location: locate(text, path, start, end),
      // Hash, never the secret: the fingerprint and any UI only ever see this.
      matchedText: `sha256:${createHash('sha256').update(secret).digest('hex')}`,
      properties: { detector: m.ruleId, kind: m.messageId },
    } satisfies RawFinding;
  });
}

/**
 * The `secretlint` analyzer: runs on every text file the scanner hands it.
 * @example await createSecretsAnalyzer().analyze({ path: '.env', language: 'text', text, blobSha })
 */
export function createSecretsAnalyzer(): FileAnalyzer {
  return {
    tool: 'secretlint',
    version: SECRETS_ANALYZER_VERSION,
    rulesetHash: 'secretlint-11.7.1/preset-recommend/aws-id-scan',
    rules: SECRET_RULES,
    supports: () => true,
    analyze: (file) => analyzeSecrets(file.path, file.text),
  };
}
