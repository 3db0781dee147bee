/**
 * The documenting stage of an analysis run: code patterns and generated docs, derived
 * deterministically from the run's files, their tree-sitter index and the run's findings
 * (works offline). The whole stage is one committed batch — rows, `pattern`/`doc` events and
 * the `isDocumented` mark in the run report together — so a resumed run never duplicates rows.
 * Also the reads: a run's patterns and docs, its docs as one Markdown file, and the latest
 * patterns of a project for `{{project.wisdom}}`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Access } from '../../platform/access/tenant-access.js';
import type { Database } from '../../platform/db/client.js';
import {
  analysisDocs,
  analysisPatterns,
  analysisRunFiles,
  analysisRuns,
  DOC_KINDS,
  findings,
} from '../../platform/db/schema/index.js';
import { withTenant, type Tx } from '../../platform/db/tenant.js';
import type { LeasedWrite } from '../../platform/jobs/leased-runner.js';
import { candidatesFor, generate, loadTenantLlmConfig, type LlmDeps } from '../../platform/llm/service.js';
import type { Logger } from '../../platform/logger.js';
import { generateDocs, type GeneratedDoc } from './docs.js';
import { derivePatterns, type CodeFile, type Manifest, type OpenFinding } from './patterns.js';
import { loadAnalysisRun } from './runs.js';
import { indexFile } from './scanner/symbols.js';
import type { Language } from './scanner/types.js';

/** Enough for the patterns of a large repository without holding all of it in memory. */
const MAX_FILES = 3000;
const MAX_FILE_BYTES = 512 * 1024;

interface RunRef {
  id: string;
  tenantId: string;
  projectId: string;
  repositoryId: string;
  report: Record<string, unknown>;
}

async function loadFiles(database: Database, run: RunRef, root: string): Promise<CodeFile[]> {
  const rows = await withTenant(database, { tenantId: run.tenantId, userId: null }, (tx) =>
    tx
      .select({ path: analysisRunFiles.path, language: analysisRunFiles.language, size: analysisRunFiles.size })
      .from(analysisRunFiles)
      .where(eq(analysisRunFiles.runId, run.id))
      .orderBy(asc(analysisRunFiles.position))
      .limit(MAX_FILES),
  );
  const base = `${path.resolve(root)}${path.sep}`;
  const out: CodeFile[] = [];
  for (const row of rows) {
    if (row.size > MAX_FILE_BYTES) continue;
    const abs = path.join(root, row.path);
    if (!abs.startsWith(base)) continue;
    let text: string;
    try {
      text = await readFile(abs, 'utf8');
    } catch {
      continue; // Gone since the inventory: its patterns would have no line to point at.
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const index = await indexFile({ path: row.path, language: row.language as Language, text, blobSha: '' });
    out.push({ path: row.path, language: row.language, lines, index });
  }
  return out;
}

function parseManifest(files: CodeFile[]): Manifest | null {
  const top = (name: string) => files.find((f) => f.path === name);
  const pkg = top('package.json');
  if (pkg) {
    try {
      const json = JSON.parse(pkg.lines.join('\n')) as Record<string, unknown>;
      const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
      const record = (v: unknown) =>
        v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
      const bin = typeof json['bin'] === 'string' ? json['bin'] : Object.values(record(json['bin']))[0];
      const scripts = Object.fromEntries(
        Object.entries(record(json['scripts'])).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      const deps = [
        ...Object.entries(record(json['dependencies'])),
        ...Object.entries(record(json['devDependencies'])).map(([k, v]) => [`${k} (dev)`, v] as const),
      ].map(([k, v]) => `${k} ${typeof v === 'string' ? v : ''}`.trim());
      return {
        kind: 'package.json',
        file: pkg,
        name: str(json['name']),
        description: str(json['description']),
        main: str(json['main']) ?? str(bin),
        scripts,
        dependencies: deps,
      };
    } catch {
      // Not valid JSON: fall through to the other manifests.
    }
  }
  const text = (f: CodeFile) => f.lines.join('\n');
  const pyproject = top('pyproject.toml');
  if (pyproject) {
    const t = text(pyproject);
    return {
      kind: 'pyproject.toml',
      file: pyproject,
      name: /^name\s*=\s*["']([^"']+)/m.exec(t)?.[1] ?? null,
      description: /^description\s*=\s*["']([^"']+)/m.exec(t)?.[1] ?? null,
      main: null,
      scripts: {},
      dependencies: [...t.matchAll(/^\s*["']([A-Za-z0-9_.-]+)[^"']*["'],?\s*$/gm)].map((m) => m[1]!),
    };
  }
  const gomod = top('go.mod');
  if (gomod) {
    const t = text(gomod);
    return {
      kind: 'go.mod',
      file: gomod,
      name: /^module\s+(\S+)/m.exec(t)?.[1] ?? null,
      description: null,
      main: null,
      scripts: {},
      dependencies: [...t.matchAll(/^\s+([\w.-]+\.[\w./-]+)\s+v[\w.-]+/gm)].map((m) => m[1]!),
    };
  }
  const pom = top('pom.xml');
  if (pom) {
    const t = text(pom).replace(/<parent>[\s\S]*?<\/parent>/, '');
    return {
      kind: 'pom.xml',
      file: pom,
      name: /<artifactId>([^<]+)<\/artifactId>/.exec(t)?.[1] ?? null,
      description: /<description>([^<]+)<\/description>/.exec(t)?.[1] ?? null,
      main: null,
      scripts: {},
      dependencies: [...t.matchAll(/<dependency>[\s\S]*?<artifactId>([^<]+)<\/artifactId>/g)].map((m) => m[1]!),
    };
  }
  return null;
}

export interface DocumentDeps {
  database: Database;
  log: Logger;
  /** With it, `isDocPolishEnabled`, and a workspace chain that starts at a real provider, the README and architecture docs are polished by one call each. */
  llm?: LlmDeps | undefined;
  isDocPolishEnabled?: boolean | undefined;
}

const POLISH_SYSTEM =
  'You edit generated documentation of a code repository. Improve wording and flow in Markdown. ' +
  'Keep every heading, every fact and every `path:line` reference exactly; add no facts, files, commands or APIs that are not in the draft. ' +
  'Answer with the Markdown document only.';
const refsIn = (md: string) => md.match(/`[^`\s]+:\d+`/g) ?? [];

/**
 * Rewrites the README and architecture drafts with the workspace's model (one call each, usage
 * recorded by the LLM service). Offline — no key, or the offline provider first in the chain —
 * the drafts stay deterministic. A rewrite that drops references or fails keeps the draft.
 */
async function polishDocs(deps: DocumentDeps, run: RunRef, docs: GeneratedDoc[]): Promise<GeneratedDoc[]> {
  const llm = deps.llm;
  if (!llm || deps.isDocPolishEnabled !== true) return docs;
  const config = await loadTenantLlmConfig(llm, run.tenantId);
  const [first] = candidatesFor(config, {});
  if (!first || (config.providers.get(first)?.kind ?? 'offline') === 'offline') return docs;
  const out: GeneratedDoc[] = [];
  for (const doc of docs) {
    if (doc.kind !== 'readme' && doc.kind !== 'architecture') {
      out.push(doc);
      continue;
    }
    try {
      const r = await generate(llm, {
        tenantId: run.tenantId,
        userId: null,
        purpose: 'analysis.docs',
        system: POLISH_SYSTEM,
        prompt: doc.markdown,
        maxOutputTokens: 4_000,
        temperature: 0.2,
      });
      const kept = new Set(refsIn(r.text));
      const draftRefs = [...new Set(refsIn(doc.markdown))];
      const isFaithful = draftRefs.filter((x) => kept.has(x)).length >= Math.ceil(draftRefs.length * 0.8);
      if (r.isOffline || !r.text.trim().startsWith('#') || !isFaithful) {
        out.push({
          ...doc,
          qualityReasons: [...doc.qualityReasons, 'LLM rewrite not used: it dropped references or was not a document'],
        });
        continue;
      }
      out.push({
        ...doc,
        markdown: `${r.text.trim()}\n`,
        generatedBy: 'llm',
        qualityReasons: [
          ...doc.qualityReasons,
          `polished by ${r.provider} (${r.model}); facts and references from the deterministic draft`,
        ],
      });
    } catch (error) {
      deps.log.warn(
        { run: run.id, doc: doc.kind, err: error instanceof Error ? error.message : String(error) },
        'code analysis: doc polish failed; keeping the deterministic draft',
      );
      out.push(doc);
    }
  }
  return out;
}

/**
 * Derives the run's patterns and docs and stores them with their events in one batch; a run
 * whose report says `isDocumented` (a resume after the batch committed) is left as it is.
 */
export async function documentStage(
  deps: DocumentDeps,
  run: RunRef,
  root: string,
  store: (batch: readonly LeasedWrite[]) => Promise<void>,
): Promise<void> {
  if (run.report['isDocumented'] === true) return;
  const files = await loadFiles(deps.database, run, root);
  const open: OpenFinding[] = await withTenant(deps.database, { tenantId: run.tenantId, userId: null }, (tx) =>
    tx
      .select({ ruleId: findings.ruleId, path: findings.path, line: findings.startLine, message: findings.message })
      .from(findings)
      .where(
        and(
          eq(findings.repositoryId, run.repositoryId),
          eq(findings.lastRunId, run.id),
          inArray(findings.status, ['open', 'triaged']),
        ),
      ),
  );
  const manifest = parseManifest(files);
  const patterns = derivePatterns(files, manifest, open);
  const docs = await polishDocs(deps, run, generateDocs(files, manifest, patterns));
  const owner = { tenantId: run.tenantId, runId: run.id, repositoryId: run.repositoryId, projectId: run.projectId };
  const commit = async (tx: Tx) => {
    // A batch that failed to commit left nothing; this also keeps a retried batch from doubling rows.
    await tx.delete(analysisPatterns).where(eq(analysisPatterns.runId, run.id));
    await tx.delete(analysisDocs).where(eq(analysisDocs.runId, run.id));
    if (patterns.length)
      await tx.insert(analysisPatterns).values(patterns.map((p, position) => ({ ...owner, ...p, position })));
    await tx.insert(analysisDocs).values(docs.map((d) => ({ ...owner, ...d })));
    await tx
      .update(analysisRuns)
      .set({
        report: sql`${analysisRuns.report} || ${JSON.stringify({ isDocumented: true, patterns: patterns.length, docs: docs.length })}::jsonb`,
      })
      .where(eq(analysisRuns.id, run.id));
  };
  const writes: LeasedWrite[] = [
    ...patterns.map((p) => ({
      event: { type: 'pattern', data: { name: p.name, kind: p.kind, confidence: p.confidence } },
    })),
    ...docs.map((d) => ({ event: { type: 'doc', data: { kind: d.kind, title: d.title } } })),
  ];
  writes[0] = { ...writes[0]!, commit };
  await store(writes);
  deps.log.info({ run: run.id, patterns: patterns.length, docs: docs.length }, 'code analysis: documented');
}

const patternView = {
  id: analysisPatterns.id,
  runId: analysisPatterns.runId,
  repositoryId: analysisPatterns.repositoryId,
  kind: analysisPatterns.kind,
  name: analysisPatterns.name,
  description: analysisPatterns.description,
  confidence: analysisPatterns.confidence,
  evidence: analysisPatterns.evidence,
};

/** A run's patterns in the order they were derived. NOT_FOUND for another workspace's run. */
export async function listRunPatterns(access: Pick<Access, 'tx' | 'projectPin'>, runId: string) {
  await loadAnalysisRun(access, runId);
  return access.tx
    .select(patternView)
    .from(analysisPatterns)
    .where(eq(analysisPatterns.runId, runId))
    .orderBy(asc(analysisPatterns.position));
}

/** A run's generated docs (README, architecture, API, coding standards). NOT_FOUND for another workspace's run. */
export async function listRunDocs(access: Pick<Access, 'tx' | 'projectPin'>, runId: string) {
  await loadAnalysisRun(access, runId);
  const rows = await access.tx
    .select({
      id: analysisDocs.id,
      runId: analysisDocs.runId,
      kind: analysisDocs.kind,
      title: analysisDocs.title,
      markdown: analysisDocs.markdown,
      qualityScore: analysisDocs.qualityScore,
      qualityReasons: analysisDocs.qualityReasons,
      generatedBy: analysisDocs.generatedBy,
      createdAt: analysisDocs.createdAt,
    })
    .from(analysisDocs)
    .where(eq(analysisDocs.runId, runId));
  return rows.sort((a, b) => DOC_KINDS.indexOf(a.kind) - DOC_KINDS.indexOf(b.kind));
}

/** All docs of a run as one Markdown file, each doc's headings one level down. */
export async function runDocsMarkdown(access: Pick<Access, 'tx' | 'projectPin'>, runId: string): Promise<string> {
  const docs = await listRunDocs(access, runId);
  if (docs.length === 0) return '# Generated docs\n\nThis run has no generated docs (yet).\n';
  return docs
    .map((d) =>
      [
        d.markdown.replace(/^(#+) /gm, (_, h: string) => `${h}# `).replace(/^## /, '# '),
        `> Quality ${d.qualityScore}/100 (${d.generatedBy}): ${d.qualityReasons.join('; ')}`,
        '',
      ].join('\n'),
    )
    .join('\n---\n\n');
}

/**
 * The latest high/medium-confidence patterns of each repository in a project, as Markdown
 * lines for `{{project.wisdom}}`; takes the tenant transaction of the caller.
 *
 * @example const lines = await projectPatternLines(tx, projectId, 12);
 */
export async function projectPatternLines(tx: Tx, projectId: string, limit: number): Promise<string[]> {
  const rows = await tx
    .select({
      repositoryId: analysisPatterns.repositoryId,
      runId: analysisPatterns.runId,
      kind: analysisPatterns.kind,
      name: analysisPatterns.name,
      confidence: analysisPatterns.confidence,
      evidence: analysisPatterns.evidence,
    })
    .from(analysisPatterns)
    .where(and(eq(analysisPatterns.projectId, projectId), inArray(analysisPatterns.confidence, ['high', 'medium'])))
    .orderBy(desc(analysisPatterns.createdAt), asc(analysisPatterns.position))
    .limit(500);
  const latest = new Map<string, string>();
  for (const r of rows) if (!latest.has(r.repositoryId)) latest.set(r.repositoryId, r.runId);
  return rows
    .filter((r) => latest.get(r.repositoryId) === r.runId)
    .sort((a, b) => (a.confidence === b.confidence ? 0 : a.confidence === 'high' ? -1 : 1))
    .slice(0, limit)
    .map((r) => {
      const at = r.evidence[0];
      return `- **[${r.confidence} · ${r.kind}] ${r.name}**${at ? ` (e.g. \`${at.path}:${at.line}\`)` : ''}`;
    });
}
