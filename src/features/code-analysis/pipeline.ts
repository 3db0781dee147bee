// One file on purpose (~630 lines): the run's stages read top to bottom in the order they execute and share the run row, store and cursors.
/**
 * What a code-analysis run does, stage by stage, under the shared leased-run executor:
 * syncing (the repository's checkout and commit) → indexing (inventory into
 * analysis_run_files) → detecting (file batches: analyzers through the result cache, findings
 * upserted by fingerprint, progress events) → triaging → documenting → completed. Every stage
 * and every batch is committed with its events, so a resumed run continues at its first
 * unfinished batch and never starts over.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import {
  analysisCache,
  analysisRunFiles,
  analysisRuns,
  findings,
  type AnalysisStage,
} from '../../platform/db/schema/index.js';
import { withTenant, type Tx } from '../../platform/db/tenant.js';
import type { AnalysisEvent } from '../../platform/events/frames.js';
import { isClaimable, leaseUntil } from '../../platform/jobs/lease.js';
import { CANCELLED } from '../../platform/jobs/leased-run.js';
import {
  leasedRunner,
  type LeasedRunDeps,
  type LeasedRunTable,
  type LeasedWrite,
} from '../../platform/jobs/leased-runner.js';
import type { LlmDeps } from '../../platform/llm/service.js';
import type { Logger } from '../../platform/logger.js';
import { documentStage } from './documenting.js';
import type { ScanSetup } from './scanner/builtin.js';
import { cacheKey, type ResultCache } from './scanner/cache.js';
import { gitBlobSha, inventory } from './scanner/inventory.js';
import { analyzeFile, ruleTable, toFindings, type Finding, type ScanError } from './scanner/scan.js';
import type { Language, RawFinding, SourceFile, ToolName } from './scanner/types.js';
import { triageStage } from './triage.js';

export type AnalysisRunRow = typeof analysisRuns.$inferSelect;

/** A checkout problem the user can act on (auth, unknown branch, not a repository): the run fails with this message, no retry. */
export class CheckoutError extends Error {}

export interface AnalysisDeps {
  database: Database;
  log: Logger;
  /** The directory holding the repository's files for this run (synced first for a clone) and its commit. */
  checkout: (
    actor: { tenantId: string; userId: string | null },
    repositoryId: string,
    options: { isSyncing: boolean },
  ) => Promise<{ root: string; commit: string | null }>;
  /** The analyzers for a workspace (built-in packs, later the workspace's own rules). */
  scanSetup: (tenantId: string) => Promise<ScanSetup>;
  /** Files per committed batch (default 50). */
  batchSize?: number;
  /** The LLM layer for the triaging stage (and the documenting stage's optional polish); without it triage is skipped as for a workspace without a key and docs stay deterministic. */
  llm?: LlmDeps;
  /** Polish the README and architecture docs with `llm` (one call each; default off, so a run's LLM calls are triage's alone). */
  isDocPolishEnabled?: boolean;
  /** LLM calls (file × rule groups) the triaging stage makes per run (default 40). */
  maxTriageGroups?: number;
}

const leasedAnalyses: LeasedRunTable = {
  table: analysisRuns,
  id: analysisRuns.id,
  leaseOwner: analysisRuns.leaseOwner,
  leaseUntil: analysisRuns.leaseUntil,
  isCancelRequested: analysisRuns.isCancelRequested,
};

const runner = leasedRunner<AnalysisRunRow>({
  kind: 'code-analysis',
  table: leasedAnalyses,
  claim: async (tx, runId, lease) => {
    const [row] = await tx
      .update(analysisRuns)
      .set({
        status: 'running',
        leaseOwner: lease.workerId,
        leaseUntil: leaseUntil(lease.leaseMs),
        attempts: sql`${analysisRuns.attempts} + 1`,
        startedAt: sql`coalesce(${analysisRuns.startedAt}, now())`,
      })
      .where(
        and(
          eq(analysisRuns.id, runId),
          inArray(analysisRuns.status, ['queued', 'running']),
          eq(analysisRuns.isCancelRequested, false),
          isClaimable(leasedAnalyses, lease.workerId),
        ),
      )
      .returning();
    return row ?? null;
  },
});

export const ANALYSIS_CANCEL_CHANNEL = 'nyx_analysis_cancel';
export const cancelLocalAnalysis = runner.cancelLocal;

type Store = (batch: readonly LeasedWrite[]) => Promise<void>;
const write = (event: AnalysisEvent, commit?: (tx: Tx) => PromiseLike<unknown>): LeasedWrite => ({
  event,
  ...(commit ? { commit } : {}),
});

function stageEvent(
  run: Pick<AnalysisRunRow, 'filesDone' | 'filesTotal' | 'findingsCount'>,
  stage: AnalysisStage,
  note: string | null = null,
): AnalysisEvent {
  return {
    type: 'stage',
    data: { stage, filesDone: run.filesDone, filesTotal: run.filesTotal, findings: run.findingsCount, note },
  };
}

/** Reads the run's current row (counts and stage change as batches commit). */
async function reload(deps: AnalysisDeps, run: AnalysisRunRow): Promise<AnalysisRunRow> {
  const [row] = await withTenant(deps.database, { tenantId: run.tenantId, userId: null }, (tx) =>
    tx.select().from(analysisRuns).where(eq(analysisRuns.id, run.id)),
  );
  if (!row) throw new Error(`analysis run ${run.id} disappeared`);
  return row;
}

/** The DB-backed result cache for one batch: keys prefetched in one query, new entries written with the batch. */
async function batchCache(
  deps: AnalysisDeps,
  tenantId: string,
  keys: string[],
): Promise<ResultCache & { pending: Map<string, RawFinding[]> }> {
  const rows = keys.length
    ? await withTenant(deps.database, { tenantId, userId: null }, (tx) =>
        tx
          .select({ key: analysisCache.key, findings: analysisCache.findings })
          .from(analysisCache)
          .where(inArray(analysisCache.key, keys)),
      )
    : [];
  const known = new Map(rows.map((r) => [r.key, r.findings as RawFinding[]]));
  const pending = new Map<string, RawFinding[]>();
  return {
    pending,
    get: (key) => Promise.resolve(known.get(key) ?? pending.get(key)),
    set: (key, value) => {
      pending.set(key, value);
      return Promise.resolve();
    },
  };
}

/** Inserts or refreshes findings by identity; returns each finding's id and whether this run first saw it. */
async function upsertFindings(
  tx: Tx,
  run: AnalysisRunRow,
  list: readonly Finding[],
): Promise<Array<{ id: string; finding: Finding; isNew: boolean }>> {
  const out: Array<{ id: string; finding: Finding; isNew: boolean }> = [];
  for (const f of list) {
    const values = {
      tenantId: run.tenantId,
      projectId: run.projectId,
      repositoryId: run.repositoryId,
      ruleId: f.ruleId,
      tool: f.tool,
      category: f.category,
      severity: f.severity,
      confidence: f.confidence,
      message: f.message,
      path: f.location.path,
      startLine: f.location.startLine,
      startColumn: f.location.startColumn,
      endLine: f.location.endLine,
      endColumn: f.location.endColumn,
      snippet: f.snippet,
      related: f.related ?? [],
      codeFlow: f.codeFlow ?? [],
      properties: f.properties ?? {},
      fingerprint: f.fingerprint,
      lineHash: f.lineHash,
      suppression: f.suppression ?? null,
      firstRunId: run.id,
      lastRunId: run.id,
    };
    const [row] = await tx
      .insert(findings)
      .values(values)
      .onConflictDoUpdate({
        target: [findings.tenantId, findings.repositoryId, findings.ruleId, findings.fingerprint],
        set: {
          tool: values.tool,
          category: values.category,
          severity: values.severity,
          confidence: values.confidence,
          message: values.message,
          path: values.path,
          startLine: values.startLine,
          startColumn: values.startColumn,
          endLine: values.endLine,
          endColumn: values.endColumn,
          snippet: values.snippet,
          related: values.related,
          codeFlow: values.codeFlow,
          properties: values.properties,
          lineHash: values.lineHash,
          suppression: values.suppression,
          lastRunId: run.id,
          // A finding that was fixed and is back is open again; ignores and triage stay.
          status: sql`case when ${findings.status} = 'fixed' then 'open' else ${findings.status} end`,
          updatedAt: sql`now()`,
        },
      })
      .returning({ id: findings.id, firstRunId: findings.firstRunId });
    if (row) out.push({ id: row.id, finding: f, isNew: row.firstRunId === run.id });
  }
  return out;
}

async function syncStage(deps: AnalysisDeps, run: AnalysisRunRow, store: Store): Promise<string> {
  await store([
    write(stageEvent(run, 'syncing'), (tx) =>
      tx.update(analysisRuns).set({ stage: 'syncing' }).where(eq(analysisRuns.id, run.id)),
    ),
  ]);
  const { root, commit } = await deps.checkout({ tenantId: run.tenantId, userId: run.startedBy }, run.repositoryId, {
    isSyncing: true,
  });
  await store([
    write(stageEvent(run, 'indexing', commit ? `commit ${commit.slice(0, 12)}` : null), (tx) =>
      tx.update(analysisRuns).set({ stage: 'indexing', commitSha: commit }).where(eq(analysisRuns.id, run.id)),
    ),
  ]);
  return root;
}

async function indexStage(run: AnalysisRunRow, root: string, store: Store): Promise<void> {
  const inv = await inventory(root);
  const skipped = inv.skipped.slice(0, 500);
  await store([
    write(
      {
        type: 'stage',
        data: {
          stage: 'detecting',
          filesDone: 0,
          filesTotal: inv.files.length,
          findings: 0,
          note: `${inv.files.length} files to analyse, ${inv.skipped.length} skipped, ${inv.ignoredCount} ignored`,
        },
      },
      async (tx) => {
        // One transaction: a crash before it leaves no file rows, after it all of them.
        await tx.delete(analysisRunFiles).where(eq(analysisRunFiles.runId, run.id));
        for (let i = 0; i < inv.files.length; i += 500) {
          await tx.insert(analysisRunFiles).values(
            inv.files.slice(i, i + 500).map((f, j) => ({
              tenantId: run.tenantId,
              runId: run.id,
              position: i + j,
              path: f.path,
              blobSha: f.blobSha,
              language: f.language,
              size: f.size,
              lines: f.lines,
            })),
          );
        }
        await tx
          .update(analysisRuns)
          .set({
            stage: 'detecting',
            filesTotal: inv.files.length,
            filesDone: 0,
            report: sql`${analysisRuns.report} || ${JSON.stringify({ skipped, skippedCount: inv.skipped.length, ignoredCount: inv.ignoredCount, lines: inv.files.reduce((s, f) => s + f.lines, 0) })}::jsonb`,
          })
          .where(eq(analysisRuns.id, run.id));
      },
    ),
  ]);
}

/** Reads a file of the run from the checkout; never follows a symlink out of it. */
async function readRunFile(
  root: string,
  file: { path: string; blobSha: string; language: string },
): Promise<SourceFile | { error: string }> {
  const abs = path.join(root, file.path);
  if (!abs.startsWith(`${path.resolve(root)}${path.sep}`)) return { error: 'path outside the checkout' };
  try {
    const content = await readFile(abs);
    const blobSha = gitBlobSha(content);
    return { path: file.path, language: file.language as Language, text: content.toString('utf8'), blobSha };
  } catch (error) {
    return { error: error instanceof Error && 'code' in error ? `unreadable (${String(error.code)})` : 'unreadable' };
  }
}

async function detectStage(
  deps: AnalysisDeps,
  run: AnalysisRunRow,
  root: string,
  setup: ScanSetup,
  signal: AbortSignal,
  store: Store,
): Promise<void> {
  const rules = ruleTable(setup);
  const batchSize = deps.batchSize ?? 50;
  const scope = { tenantId: run.tenantId, userId: null };
  for (;;) {
    if (signal.aborted) return;
    const batch = await withTenant(deps.database, scope, (tx) =>
      tx
        .select()
        .from(analysisRunFiles)
        .where(and(eq(analysisRunFiles.runId, run.id), eq(analysisRunFiles.isDone, false)))
        .orderBy(asc(analysisRunFiles.position))
        .limit(batchSize),
    );
    if (batch.length === 0) return;
    const errors: ScanError[] = [];
    const files: SourceFile[] = [];
    for (const f of batch) {
      const read = await readRunFile(root, f);
      if ('error' in read) errors.push({ path: f.path, message: read.error });
      else {
        if (read.blobSha !== f.blobSha)
          errors.push({ path: f.path, message: 'changed during the run; analysed as it is now' });
        files.push(read);
      }
    }
    const cache = await batchCache(
      deps,
      run.tenantId,
      files.flatMap((file) => setup.analyzers.filter((a) => a.supports(file)).map((a) => cacheKey(a, file))),
    );
    const perFile = new Map<string, Finding[]>();
    for (const file of files) {
      const { raw } = await analyzeFile(file, setup.analyzers, cache, errors);
      perFile.set(file.path, toFindings(file, raw, rules, errors));
    }
    const found = [...perFile.values()].flat();
    const current = await reload(deps, run);
    const done = current.filesDone + batch.length;
    let stored: Array<{ id: string; finding: Finding; isNew: boolean }> = [];
    await store([
      write(
        {
          type: 'file',
          data: {
            stage: 'detecting',
            done,
            total: current.filesTotal,
            path: batch.at(-1)?.path ?? '',
            findings: current.findingsCount + found.length,
          },
        },
        async (tx) => {
          stored = await upsertFindings(tx, run, found);
          if (cache.pending.size)
            await tx
              .insert(analysisCache)
              .values([...cache.pending].map(([key, value]) => ({ tenantId: run.tenantId, key, findings: value })))
              .onConflictDoNothing();
          for (const f of batch)
            await tx
              .update(analysisRunFiles)
              .set({ isDone: true, findingCount: perFile.get(f.path)?.length ?? 0 })
              .where(and(eq(analysisRunFiles.runId, run.id), eq(analysisRunFiles.position, f.position)));
          await tx
            .update(analysisRuns)
            .set({
              filesDone: done,
              findingsCount: sql`${analysisRuns.findingsCount} + ${found.length}`,
              ...(errors.length
                ? {
                    report: sql`jsonb_set(${analysisRuns.report}, '{errors}', coalesce(${analysisRuns.report}->'errors', '[]'::jsonb) || ${JSON.stringify(errors.slice(0, 50))}::jsonb)`,
                  }
                : {}),
            })
            .where(eq(analysisRuns.id, run.id));
        },
      ),
    ]);
    if (stored.length)
      await store(
        stored.map(({ id, finding, isNew }) =>
          write({
            type: 'finding',
            data: {
              id,
              ruleId: finding.ruleId,
              category: finding.category,
              severity: finding.severity,
              confidence: finding.confidence,
              path: finding.location.path,
              line: finding.location.startLine,
              message: finding.message,
              baselineState: isNew ? 'new' : 'unchanged',
            },
          }),
        ),
      );
  }
}

/** Cross-file analyzers (duplicates) over all the run's files, once, after the per-file batches. */
async function projectStage(
  deps: AnalysisDeps,
  run: AnalysisRunRow,
  root: string,
  setup: ScanSetup,
  store: Store,
): Promise<void> {
  const current = await reload(deps, run);
  if (current.report['isProjectAnalysed'] === true || setup.projectAnalyzers.length === 0) return;
  const rows = await withTenant(deps.database, { tenantId: run.tenantId, userId: null }, (tx) =>
    tx
      .select()
      .from(analysisRunFiles)
      .where(eq(analysisRunFiles.runId, run.id))
      .orderBy(asc(analysisRunFiles.position)),
  );
  const files: SourceFile[] = [];
  for (const row of rows) {
    const read = await readRunFile(root, row);
    if (!('error' in read)) files.push(read);
  }
  const rules = ruleTable(setup);
  const errors: ScanError[] = [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  const found: Finding[] = [];
  for (const analyzer of setup.projectAnalyzers) {
    try {
      const raw = await analyzer.analyzeAll(files);
      const grouped = new Map<string, Array<{ tool: ToolName; finding: RawFinding }>>();
      for (const finding of raw)
        grouped.set(finding.location.path, [
          ...(grouped.get(finding.location.path) ?? []),
          { tool: analyzer.tool, finding },
        ]);
      for (const [filePath, list] of grouped) {
        const file = byPath.get(filePath);
        if (file) found.push(...toFindings(file, list, rules, errors));
      }
    } catch (error) {
      errors.push({ tool: analyzer.tool, message: error instanceof Error ? error.message : String(error) });
    }
  }
  await store([
    write(stageEvent(current, 'detecting', `cross-file analysis: ${found.length} result(s)`), async (tx) => {
      await upsertFindings(tx, run, found);
      await tx
        .update(analysisRuns)
        .set({
          findingsCount: sql`${analysisRuns.findingsCount} + ${found.length}`,
          report: sql`${analysisRuns.report} || ${JSON.stringify({ isProjectAnalysed: true, ...(errors.length ? { projectErrors: errors } : {}) })}::jsonb`,
        })
        .where(eq(analysisRuns.id, run.id));
    }),
  ]);
}

/** The triaging stage (./triage.ts): reads files of this run only, from the checkout. */
async function triage(
  deps: AnalysisDeps,
  run: AnalysisRunRow,
  root: string,
  setup: ScanSetup,
  signal: AbortSignal,
  store: Store,
): Promise<string> {
  const current = await reload(deps, run);
  // A resumed run past this point (triaging, documenting) keeps its stage.
  if (current.stage === 'detecting')
    await store([
      write(stageEvent(current, 'triaging', null), (tx) =>
        tx.update(analysisRuns).set({ stage: 'triaging' }).where(eq(analysisRuns.id, run.id)),
      ),
    ]);
  const rows = await withTenant(deps.database, { tenantId: run.tenantId, userId: null }, (tx) =>
    tx
      .select({ path: analysisRunFiles.path, blobSha: analysisRunFiles.blobSha, language: analysisRunFiles.language })
      .from(analysisRunFiles)
      .where(eq(analysisRunFiles.runId, run.id)),
  );
  const byPath = new Map(rows.map((r) => [r.path, r]));
  const read = new Map<string, Promise<SourceFile | null>>();
  const readFile = (filePath: string) => {
    const row = byPath.get(filePath);
    if (!row) return Promise.resolve(null);
    const known = read.get(filePath) ?? readRunFile(root, row).then((r) => ('error' in r ? null : r));
    read.set(filePath, known);
    return known;
  };
  return triageStage({ deps, run: current, rules: ruleTable(setup), readFile, store, signal });
}

async function finish(
  deps: AnalysisDeps,
  run: AnalysisRunRow,
  root: string,
  setup: ScanSetup,
  triageNote: string,
  store: Store,
): Promise<void> {
  const current = await reload(deps, run);
  await store([
    write(stageEvent(current, 'documenting', null), (tx) =>
      tx.update(analysisRuns).set({ stage: 'documenting' }).where(eq(analysisRuns.id, run.id)),
    ),
  ]);
  await documentStage(deps, current, root, store);
  const started = (current.startedAt ?? current.createdAt).getTime();
  let summary = { new: 0, fixed: 0 };
  const completed = {
    type: 'completed' as const,
    data: {
      durationMs: Math.max(0, Date.now() - started),
      filesTotal: current.filesTotal,
      findings: current.findingsCount,
      new: 0,
      fixed: 0,
      skipped: Number(current.report['skippedCount'] ?? 0),
    },
  };
  await store([
    {
      event: completed,
      // The event is appended after this commit runs, in the same transaction: it carries the counts found here.
      commit: async (tx) => {
        const fixed = await tx
          .update(findings)
          .set({ status: 'fixed', updatedAt: sql`now()` })
          .where(
            and(
              eq(findings.repositoryId, run.repositoryId),
              ne(findings.lastRunId, run.id),
              inArray(findings.status, ['open', 'triaged']),
            ),
          )
          .returning({ id: findings.id });
        const [fresh] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(findings)
          .where(and(eq(findings.repositoryId, run.repositoryId), eq(findings.firstRunId, run.id)));
        summary = { new: fresh?.n ?? 0, fixed: fixed.length };
        Object.assign(completed.data, summary);
        await tx
          .update(analysisRuns)
          .set({
            status: 'completed',
            stage: 'completed',
            finishedAt: new Date(),
            leaseOwner: null,
            leaseUntil: null,
            report: sql`${analysisRuns.report} || ${JSON.stringify({ ruleErrors: setup.ruleErrors, tools: [...setup.analyzers, ...setup.projectAnalyzers].map((a) => ({ tool: a.tool, version: a.version })), triage: triageNote, ...summary })}::jsonb`,
          })
          .where(eq(analysisRuns.id, run.id));
      },
    },
  ]);
  deps.log.info({ run: run.id, ...summary }, 'code analysis: run completed');
}

async function endRun(
  deps: AnalysisDeps,
  run: AnalysisRunRow,
  store: Store,
  outcome: { status: 'failed'; error: string } | { status: 'cancelled' },
): Promise<void> {
  const current = await reload(deps, run);
  const event: AnalysisEvent =
    outcome.status === 'failed'
      ? { type: 'failed', data: { error: outcome.error, stage: current.stage } }
      : { type: 'cancelled', data: { stage: current.stage } };
  await store([
    write(event, (tx) =>
      tx
        .update(analysisRuns)
        .set({
          status: outcome.status,
          stage: outcome.status,
          ...(outcome.status === 'failed' ? { error: outcome.error } : {}),
          finishedAt: new Date(),
          leaseOwner: null,
          leaseUntil: null,
        })
        .where(eq(analysisRuns.id, run.id)),
    ),
  ]);
}

/** Runs (or resumes) one analysis to its end. */
export function executeAnalysis(
  deps: AnalysisDeps & LeasedRunDeps,
  job: { tenantId: string; runId: string },
): Promise<'done' | 'skipped'> {
  return runner.execute(deps, job, async (run, { signal, store }) => {
    try {
      // Resuming past syncing uses the checkout as it is: a new fetch would change files under the inventory.
      const root =
        run.stage === 'queued' || run.stage === 'syncing'
          ? await syncStage(deps, run, store)
          : (
              await deps.checkout({ tenantId: run.tenantId, userId: run.startedBy }, run.repositoryId, {
                isSyncing: false,
              })
            ).root;
      if (run.stage === 'queued' || run.stage === 'syncing' || run.stage === 'indexing')
        await indexStage(run, root, store);
      const setup = await deps.scanSetup(run.tenantId);
      await detectStage(deps, run, root, setup, signal, store);
      if (!signal.aborted) await projectStage(deps, run, root, setup, store);
      if (signal.aborted) {
        if (signal.reason === CANCELLED) await endRun(deps, run, store, { status: 'cancelled' });
        return;
      }
      const triageNote = await triage(deps, run, root, setup, signal, store);
      if (signal.aborted) {
        if (signal.reason === CANCELLED) await endRun(deps, run, store, { status: 'cancelled' });
        return;
      }
      await finish(deps, run, root, setup, triageNote, store);
    } catch (error) {
      if (error instanceof CheckoutError) {
        await endRun(deps, run, store, { status: 'failed', error: error.message });
        return;
      }
      throw error;
    }
  });
}
