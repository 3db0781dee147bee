/**
 * The run report (Markdown) and the export bundle (ZIP: the workflow definition as JSON,
 * one Markdown file per step output, and report.md).
 */
import { strToU8, zipSync } from 'fflate';
import { formatCost } from '../../shared/cost.js';
import type { RunDetail } from './runs.js';

const money = (r: { costUsd: number; unpricedCalls: number }) => formatCost(r.costUsd, r.unpricedCalls);
const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * The input verbatim in a code fence longer than any backtick run inside it, so Markdown in
 * the input (a heading, a fence of its own) stays the input's and cannot restructure the report.
 */
export function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}

/** A file-name-safe slug of a step: `02-Prioritise.md`. */
export const stepFileName = (position: number, name: string) =>
  `${String(position + 1).padStart(2, '0')}-${name.replace(/[^A-Za-z0-9_-]/g, '_')}.md`;

function stepMarkdown(s: RunDetail['steps'][number]): string {
  const head = `## ${s.position + 1}. ${s.name} (${s.type})\n\n`;
  const meta = `_${s.status}${s.provider ? ` · ${s.provider}/${s.model}` : ''}${s.personaName ? ` · persona ${s.personaName}` : ''} · ${s.tokensIn + s.tokensOut} tokens · ${money(s)} · ${seconds(s.durationMs)}_\n\n`;
  const body = s.output ?? (s.error ? `**Error:** ${s.error}` : '_No output._');
  const comparisons = Array.isArray(s.comparisons)
    ? (s.comparisons as { provider: string; model: string | null; output: string; error: string | null }[])
        .map(
          (c) =>
            `\n\n### Compared: ${c.provider}${c.model ? `/${c.model}` : ''}\n\n${c.error ? `**Error:** ${c.error}` : c.output}`,
        )
        .join('')
    : '';
  return `${head}${meta}${body}${comparisons}\n`;
}

export function runReportMarkdown(run: RunDetail): string {
  const lines = [
    `# ${run.workflowName} — run report`,
    '',
    `- Status: **${run.status}**${run.error ? ` (${run.error})` : ''}`,
    `- Started: ${run.startedAt?.toISOString() ?? '—'} · Finished: ${run.finishedAt?.toISOString() ?? '—'}`,
    `- Total: ${run.tokensIn} tokens in, ${run.tokensOut} tokens out, ${money(run)} (every execution, including retried steps)`,
    '',
    '| # | Step | Status | Provider / model | Tokens in | Tokens out | Cost | Duration | Attempt |',
    '|---|---|---|---|---|---|---|---|---|',
    ...run.steps.map(
      (s) =>
        `| ${s.position + 1} | ${cell(s.name)} | ${s.status} | ${s.provider ? cell(`${s.provider} / ${s.model}`) : '—'} | ${s.tokensIn} | ${s.tokensOut} | ${money(s)} | ${seconds(s.durationMs)} | ${s.attempt || '—'} |`,
    ),
    '',
    '## Input',
    '',
    run.input ? fenced(run.input) : '_No input._',
    '',
    ...run.steps.map(stepMarkdown),
  ];
  return lines.join('\n');
}

/**
 * The run as a zip, typed as backed by an ArrayBuffer (as fflate allocates it) so it is
 * a `BodyInit` under the DOM's lib as well as Node's: the web's type check reads this file
 * through the router's types.
 */
export function runExportZip(run: RunDetail): Uint8Array<ArrayBuffer> {
  const files: Record<string, Uint8Array> = {
    'workflow.json': strToU8(JSON.stringify(run.definition, null, 2)),
    'report.md': strToU8(runReportMarkdown(run)),
  };
  for (const s of run.steps) files[`steps/${stepFileName(s.position, s.name)}`] = strToU8(stepMarkdown(s));
  return zipSync(files, { level: 6 });
}
