/**
 * Findings on the API side: list with filters, read one (with its rule's help), ignore and
 * unignore with a reason (kept across runs: a finding's identity is its fingerprint), and the
 * SARIF export of a run.
 */
import { and, asc, desc, eq, like, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Access } from '../../platform/access/tenant-access.js';
import { visibleOr404 } from '../../platform/access/project-pin.js';
import { analysisRuns, findings } from '../../platform/db/schema/index.js';
import { recordAudit } from '../audit/index.js';
import { getRepository } from '../repositories/index.js';
import type { IgnoreFindingInput, ListFindingsInput } from './schema.js';
import { loadAnalysisRun } from './runs.js';
import type { Finding, Suppression } from './scanner/scan.js';
import { toSarif, type SarifLog } from './scanner/sarif.js';
import type { Category, Confidence, Location, RuleMeta, Severity, ToolName } from './scanner/types.js';

type FindingRow = typeof findings.$inferSelect;

const SEVERITY_RANK = sql`case ${findings.severity} when 'critical' then 0 when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end`;

function view(row: FindingRow) {
  const { tenantId: _t, ...rest } = row;
  return rest;
}
export type FindingView = ReturnType<typeof view>;

/** The latest completed run of a repository, if any. */
async function latestRun(access: Pick<Access, 'tx'>, repositoryId: string) {
  const [run] = await access.tx
    .select()
    .from(analysisRuns)
    .where(and(eq(analysisRuns.repositoryId, repositoryId), eq(analysisRuns.status, 'completed')))
    .orderBy(desc(analysisRuns.createdAt))
    .limit(1);
  return run;
}

export async function listFindings(access: Access, input: ListFindingsInput) {
  await getRepository(access, input.repositoryId);
  const conditions: Array<SQL | undefined> = [eq(findings.repositoryId, input.repositoryId)];
  if (input.category) conditions.push(eq(findings.category, input.category));
  if (input.severity) conditions.push(eq(findings.severity, input.severity));
  if (input.status) conditions.push(eq(findings.status, input.status));
  if (input.ruleId) conditions.push(eq(findings.ruleId, input.ruleId));
  if (input.path)
    conditions.push(
      or(
        eq(findings.path, input.path),
        like(findings.path, `${input.path.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\/$/, '')}/%`),
      ),
    );
  if (input.runId) conditions.push(eq(findings.lastRunId, input.runId));
  const where = and(...conditions);
  const rows = await access.tx
    .select()
    .from(findings)
    .where(where)
    .orderBy(asc(SEVERITY_RANK), asc(findings.path), asc(findings.startLine))
    .limit(input.limit)
    .offset(input.offset);
  const [total] = await access.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(findings)
    .where(where);
  const facets = await access.tx
    .select({
      category: findings.category,
      severity: findings.severity,
      status: findings.status,
      n: sql<number>`count(*)::int`,
    })
    .from(findings)
    .where(eq(findings.repositoryId, input.repositoryId))
    .groupBy(findings.category, findings.severity, findings.status);
  return { items: rows.map(view), total: total?.n ?? 0, facets };
}

async function loadFinding(access: Pick<Access, 'tx' | 'projectPin'>, id: string): Promise<FindingRow> {
  const [row] = await access.tx.select().from(findings).where(eq(findings.id, id));
  return visibleOr404(row, access, 'Finding');
}

export async function getFinding(access: Access, id: string, rules: ReadonlyMap<string, RuleMeta>) {
  const row = await loadFinding(access, id);
  const rule = rules.get(row.ruleId) ?? null;
  return { ...view(row), rule };
}

export async function ignoreFinding(access: Access, input: IgnoreFindingInput): Promise<FindingView> {
  await loadFinding(access, input.id);
  const [row] = await access.tx
    .update(findings)
    .set({
      status: 'ignored',
      ignoreReason: input.reason,
      ignoreNote: input.note,
      ignoredBy: access.userId,
      ignoredAt: new Date(),
      updatedAt: new Date(),
    })
    .where(eq(findings.id, input.id))
    .returning();
  await recordAudit(access, 'finding.ignored', { type: 'finding', id: input.id }, { reason: input.reason });
  return view(row as FindingRow);
}

export async function unignoreFinding(access: Access, id: string): Promise<FindingView> {
  const existing = await loadFinding(access, id);
  const run = await latestRun(access, existing.repositoryId);
  // Back to what the latest analysis says: present → open, gone → fixed.
  const status = run && existing.lastRunId !== run.id ? 'fixed' : 'open';
  const [row] = await access.tx
    .update(findings)
    .set({ status, ignoreReason: null, ignoreNote: null, ignoredBy: null, ignoredAt: null, updatedAt: new Date() })
    .where(eq(findings.id, id))
    .returning();
  await recordAudit(access, 'finding.unignored', { type: 'finding', id });
  return view(row as FindingRow);
}

function asFinding(row: FindingRow, baselineState: 'new' | 'unchanged' | 'absent'): Finding {
  const suppression: Suppression | undefined =
    row.status === 'ignored'
      ? {
          kind: 'external',
          justification: [row.ignoreReason, row.ignoreNote].filter(Boolean).join(': '),
          ...(row.ignoreReason ? { reason: row.ignoreReason } : {}),
        }
      : ((row.suppression as Suppression | null) ?? undefined);
  return {
    ruleId: row.ruleId,
    message: row.message,
    severity: row.severity as Severity,
    confidence: row.confidence as Confidence,
    location: {
      path: row.path,
      startLine: row.startLine,
      startColumn: row.startColumn,
      endLine: row.endLine,
      endColumn: row.endColumn,
    },
    matchedText: '',
    related: row.related as Location[],
    codeFlow: row.codeFlow as Location[],
    properties: row.properties as Record<string, string | number | boolean>,
    tool: row.tool as ToolName,
    ruleName: row.ruleId,
    category: row.category as Category,
    cwe: [],
    fingerprint: row.fingerprint,
    lineHash: row.lineHash,
    snippet: row.snippet,
    baselineState,
    ...(suppression ? { suppression } : {}),
  };
}

/**
 * SARIF 2.1.0 of a run: the findings it saw (`new` when it first saw them, else `unchanged`),
 * and those of the repository's previous run that it no longer sees (`absent`).
 */
export async function analysisSarif(
  access: Access,
  runId: string,
  rules: readonly RuleMeta[],
  tools: ReadonlyArray<{ tool: ToolName; version: string }>,
): Promise<SarifLog> {
  const run = await loadAnalysisRun(access, runId);
  const seen = await access.tx
    .select()
    .from(findings)
    .where(eq(findings.lastRunId, run.id))
    .orderBy(asc(findings.path), asc(findings.startLine));
  const [previous] = await access.tx
    .select({ id: analysisRuns.id })
    .from(analysisRuns)
    .where(
      and(
        eq(analysisRuns.repositoryId, run.repositoryId),
        eq(analysisRuns.status, 'completed'),
        ne(analysisRuns.id, run.id),
        sql`${analysisRuns.createdAt} < ${run.createdAt}`,
      ),
    )
    .orderBy(desc(analysisRuns.createdAt))
    .limit(1);
  const gone = previous ? await access.tx.select().from(findings).where(eq(findings.lastRunId, previous.id)) : [];
  const cwe = new Map(rules.map((r) => [r.id, r]));
  const current = seen.map((row) => ({
    ...asFinding(row, row.firstRunId === run.id ? 'new' : 'unchanged'),
    cwe: cwe.get(row.ruleId)?.cwe ?? [],
  }));
  const absent = gone.map((row) => asFinding(row, 'absent'));
  const usedTools = new Set([...current, ...absent].map((f) => f.tool));
  return toSarif({
    findings: current,
    absent,
    rules,
    tools: tools.filter((t) => usedTools.has(t.tool) || t.tool === 'nyx-rules'),
  });
}
