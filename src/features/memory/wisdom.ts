/**
 * `{{project.wisdom}}`: a project's approved insights as compact Markdown within a
 * character budget, most severe first and, within a severity, most relevant to the query
 * (or newest without one), then the code patterns the project's repositories showed in their
 * latest analysis (high/medium confidence). The workflow engine injects it into prompts.
 */
import { and, eq } from 'drizzle-orm';
import { workflowInsights } from '../../platform/db/schema/index.js';
import { withTenant } from '../../platform/db/tenant.js';
import type { LlmDeps } from '../../platform/llm/service.js';
import { projectPatternLines } from '../code-analysis/index.js';
import { insightColumns } from './items.js';
import { searchMemory } from './search.js';

const severityRank = { blocker: 0, high: 1, medium: 2, low: 3 } as const;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1).trimEnd()}…` : s);
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

export async function composeProjectWisdom(
  deps: LlmDeps,
  scope: { tenantId: string; userId: string | null; projectPin: string | null },
  input: { projectId: string; budgetChars: number; query?: string | undefined },
): Promise<{ markdown: string; included: number; available: number }> {
  const { approved, patterns } = await withTenant(deps.database, scope, async (tx) => ({
    approved: await tx
      .select(insightColumns)
      .from(workflowInsights)
      .where(and(eq(workflowInsights.projectId, input.projectId), eq(workflowInsights.status, 'approved'))),
    patterns: await projectPatternLines(tx, input.projectId, 12),
  }));
  const relevance = new Map<string, number>();
  if (input.query?.trim()) {
    const r = await searchMemory(deps, scope, {
      query: input.query.slice(0, 500),
      k: 50,
      kinds: ['insight'],
      projectId: input.projectId,
      status: 'approved',
    });
    for (const h of r.hits) relevance.set(h.id, h.score);
  }
  approved.sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      (relevance.get(b.id) ?? 0) - (relevance.get(a.id) ?? 0) ||
      b.createdAt.getTime() - a.createdAt.getTime(),
  );
  const byId = new Map(approved.map((i) => [i.id, i]));
  const header = '### Project wisdom (approved insights)\n';
  let markdown = header;
  let included = 0;
  for (const i of approved) {
    const suggestion = i.suggestion ? ` → ${clip(oneLine(i.suggestion), 160)}` : '';
    const partner = i.pairedInsightId ? byId.get(i.pairedInsightId) : undefined;
    const pairing = partner
      ? ` (${i.type === 'pain_point' ? 'solved by' : 'solves'}: ${clip(oneLine(partner.title), 100)})`
      : '';
    const line = `- **[${i.severity} · ${i.type.replace('_', ' ')}] ${clip(oneLine(i.title), 120)}** (${i.category}): ${clip(oneLine(i.detail), 200)}${suggestion}${pairing}\n`;
    if (markdown.length + line.length > input.budgetChars) break;
    markdown += line;
    included++;
  }
  let text = included ? markdown : '';
  // Insights come first; the code patterns fill what the budget leaves.
  const patternHeader = `${text ? '\n' : ''}### Code patterns (latest analysis)\n`;
  const fitting: string[] = [];
  let size = text.length + patternHeader.length;
  for (const line of patterns) {
    if (size + line.length + 1 > input.budgetChars) break;
    fitting.push(line);
    size += line.length + 1;
  }
  if (fitting.length) text += `${patternHeader}${fitting.join('\n')}\n`;
  return { markdown: text.trimEnd(), included, available: approved.length };
}
