/**
 * Non-tRPC endpoints of workflows: the live stream of a run (SSE) and its exports.
 * All are declared with the one route builder: authorised and loaded inside the tenant
 * transaction before anything is streamed; another workspace's run id is a 404.
 */
import { z } from 'zod';
import type { AppDeps } from '../../platform/deps.js';
import { isTerminalWorkflowEvent } from '../../platform/events/frames.js';
import { attachment } from '../../platform/http/attachment.js';
import { defineRoute } from '../../platform/http/route.js';
import { defineRunStream } from '../../platform/http/run-stream.js';
import type { HttpApp } from '../../platform/http/vars.js';
import { runExportZip, runReportMarkdown } from './report.js';
import { getRun, loadRun } from './runs.js';

const zRunParams = z.object({ id: z.uuid({ message: 'Run ids are UUIDs' }) });

export function registerWorkflowRoutes(app: HttpApp, deps: AppDeps): void {
  defineRunStream(app, deps, {
    path: '/api/v1/events/workflows/:id',
    scope: 'workflows:read',
    idMessage: 'Run ids are UUIDs',
    load: async (access, id) => {
      const run = await loadRun(access, id);
      return { kind: 'workflow', id: run.id, tenantId: run.tenantId };
    },
    isTerminal: isTerminalWorkflowEvent,
  });
  defineRoute(app, deps, {
    method: 'get',
    path: '/api/v1/workflow-runs/:id/report.md',
    auth: 'tenant',
    scope: 'workflows:read',
    params: zRunParams,
    handler: async ({ access, params }) => {
      const run = await getRun(access, params.id);
      return attachment(runReportMarkdown(run), 'text/markdown; charset=utf-8', `${run.workflowName}-report.md`);
    },
  });
  defineRoute(app, deps, {
    method: 'get',
    path: '/api/v1/workflow-runs/:id/export.zip',
    auth: 'tenant',
    scope: 'workflows:read',
    params: zRunParams,
    handler: async ({ access, params }) => {
      const run = await getRun(access, params.id);
      return attachment(runExportZip(run), 'application/zip', `${run.workflowName}-run.zip`);
    },
  });
}
