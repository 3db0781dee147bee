import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const tsxCli = path.join(root, 'node_modules/tsx/dist/cli.mjs');

/** The real CLI in a child process, with no configuration at all: `scan` needs none. */
async function scan(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [tsxCli, path.join(root, 'src/cli/main.ts'), 'scan', ...args],
      {
        env: {},
        cwd: root,
        maxBuffer: 1 << 26,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const vulnerable = `const { exec } = require('child_process');
const fs = require('fs');
const path = require('path');

module.exports.gitLog = function gitLog(branch, cb) {
  exec('git log --oneline ' + branch, cb);
};

module.exports.read = function read(req, res) {
  fs.readFile(path.join(__dirname, 'public', req.params.file), (err, data) => res.end(data));
};
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nyx-cli-scan-'));
  await mkdir(path.join(dir, 'src'), { recursive: true });
  await writeFile(path.join(dir, 'src', 'tools.js'), vulnerable);
  await writeFile(path.join(dir, 'src', 'safe.js'), 'module.exports = function add(a, b) { return a + b; };\n');
  await writeFile(path.join(dir, 'Dockerfile'), 'FROM node:latest\nCOPY . .\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('nyxcore scan', () => {
  it('finds the command injection and the path traversal at their lines and fails the build on high severity', async () => {
    const result = await scan(dir);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/src\/tools\.js/);
    expect(result.stdout).toMatch(/6:\d+\s+(critical|high)\s+js\/command-injection/);
    expect(result.stdout).toMatch(/10:\d+\s+(critical|high)\s+js\/path-traversal/);
    expect(result.stdout).toMatch(/container\/latest-tag/);
    expect(result.stdout).toMatch(/finding\(s\).* in 3 files/);
  }, 60_000);

  it('writes SARIF 2.1.0 the official schema accepts, and a baseline of it makes the same scan pass', async () => {
    const sarifFile = path.join(dir, '..', `${path.basename(dir)}.sarif`);
    const first = await scan(dir, '--format', 'json', '--sarif', sarifFile);
    expect(first.code).toBe(1);
    const json = JSON.parse(first.stdout) as {
      findings: Array<{ ruleId: string; fingerprint: string; location: { path: string; startLine: number } }>;
    };
    expect(json.findings.map((f) => f.ruleId)).toEqual(
      expect.arrayContaining(['js/command-injection', 'js/path-traversal']),
    );

    const require = createRequire(import.meta.url);
    const ajv = new Ajv04Module.default({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormatsModule.default(ajv);
    const validate = ajv.compile(require('../features/code-analysis/sarif/sarif-2.1.0-rtm.5.json') as object);
    const log = JSON.parse(await readFile(sarifFile, 'utf8')) as unknown;
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);

    const again = await scan(dir, '--baseline', sarifFile);
    expect(again.code, again.stdout).toBe(0);
    await writeFile(path.join(dir, 'src', 'new.js'), 'module.exports = (code) => eval(code);\n');
    const withNew = await scan(dir, '--baseline', sarifFile, '--format', 'sarif');
    expect(withNew.code).toBe(1);
    const results = (
      JSON.parse(withNew.stdout) as { runs: Array<{ results: Array<{ ruleId: string; baselineState?: string }> }> }
    ).runs.flatMap((r) => r.results);
    expect(results.filter((r) => r.baselineState === 'new').map((r) => r.ruleId)).toContain('js/code-injection');
    await rm(path.join(dir, 'src', 'new.js'));
  }, 60_000);

  it('honours --fail-on and nyx-ignore', async () => {
    expect((await scan(dir, '--fail-on', 'none')).code).toBe(0);
    const ignored = path.join(dir, 'ignored');
    await mkdir(ignored, { recursive: true });
    await writeFile(
      path.join(ignored, 'a.js'),
      'module.exports = (code) => {\n  // nyx-ignore: js/code-injection sandboxed in a vm with no globals\n  return eval(code);\n};\n',
    );
    const result = await scan(ignored);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/1 suppressed/);
  }, 60_000);

  it('refuses bad input with a clear message and exit code 2', async () => {
    const missing = await scan(path.join(dir, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not a directory/);
    const format = await scan(dir, '--format', 'xml');
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--format: expected text, json or sarif/);
    const badRules = path.join(dir, '..', `${path.basename(dir)}-rules.yml`);
    await writeFile(badRules, 'rules:\n  - id: team/x\n    name: x\n');
    const rules = await scan(dir, '--rules', badRules, '--fail-on', 'none');
    expect(rules.code).toBe(2);
    expect(rules.stderr).toMatch(/team\/x: field `category`/);
  }, 60_000);
});
