/**
 * Non-tRPC endpoints of code analysis: the live stream of a run (SSE), its SARIF 2.1.0
 * export and its generated docs as one Markdown file. Declared with the one route builder: authorised and loaded inside the tenant
 * transaction before anything is sent; another workspace's run id is a 404.
 */
import { z } from 'zod';
import type { AppDeps } from '../../platform/deps.js';
import { isTerminalAnalysisEvent } from '../../platform/events/frames.js';
import { attachment } from '../../platform/http/attachment.js';
import { defineRoute } from '../../platform/http/route.js';
import { defineRunStream } from '../../platform/http/run-stream.js';
import type { HttpApp } from '../../platform/http/vars.js';
import { runDocsMarkdown } from './documenting.js';
import { analysisSarif } from './findings.js';
import { loadAnalysisRun } from './runs.js';
import { builtinScanSetup } from './scanner/builtin.js';

const zRunParams = z.object({ id: z.uuid({ message: 'Run ids are UUIDs' }) });

export function registerAnalysisRoutes(app: HttpApp, deps: AppDeps): void {
  defineRunStream(app, deps, {
    path: '/api/v1/events/code-analysis/:id',
    scope: 'analysis:read',
    idMessage: 'Run ids are UUIDs',
    load: async (access, id) => {
      const run = await loadAnalysisRun(access, id);
      return { kind: 'code-analysis', id: run.id, tenantId: run.tenantId };
    },
    isTerminal: isTerminalAnalysisEvent,
  });
  defineRoute(app, deps, {
    method: 'get',
    path: '/api/v1/code-analysis/:id/sarif',
    auth: 'tenant',
    scope: 'analysis:read',
    params: zRunParams,
    handler: async ({ access, params }) => {
      const setup = await builtinScanSetup();
      const rules = [...setup.analyzers, ...setup.projectAnalyzers].flatMap((a) => a.rules);
      const tools = [...setup.analyzers, ...setup.projectAnalyzers].map((a) => ({ tool: a.tool, version: a.version }));
      const sarif = await analysisSarif(access, params.id, rules, tools);
      return attachment(
        JSON.stringify(sarif, null, 2),
        'application/sarif+json; charset=utf-8',
        `nyxcore-analysis-${params.id.slice(0, 8)}.sarif`,
      );
    },
  });
  defineRoute(app, deps, {
    method: 'get',
    path: '/api/v1/code-analysis/:id/docs.md',
    auth: 'tenant',
    scope: 'analysis:read',
    params: zRunParams,
    handler: async ({ access, params }) => {
      const markdown = await runDocsMarkdown(access, params.id);
      return attachment(markdown, 'text/markdown; charset=utf-8', `nyxcore-docs-${params.id.slice(0, 8)}.md`);
    },
  });
}
