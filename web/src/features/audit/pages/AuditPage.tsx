import { PageHeader } from '../../../ui/PageHeader.js';
import { DataTable } from '../../../ui/DataTable.js';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState, ErrorAlert, Loading } from '../../../ui/Feedback.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { formatDateTime } from '../../../lib/format.js';
import { can } from '../../../lib/access.js';
import { useTRPC } from '../../../lib/trpc.js';
import { OptionSelect } from '../../../ui/OptionSelect.js';

const PAGE = 50;

function describeTarget(type: string | null, id: string | null, data: unknown): string {
  const d = (data ?? {}) as Record<string, unknown>;
  const label = typeof d.name === 'string' ? d.name : typeof d.email === 'string' ? d.email : null;
  if (!type) return '—';
  return label ? `${type}: ${label}` : `${type}${id ? ` ${id.slice(0, 8)}` : ''}`;
}

/** One page of entries; the last page offers "Load more". */
function AuditChunk({
  action,
  before,
  isLast,
  onMore,
  actorName,
}: {
  action: string;
  before?: number;
  isLast: boolean;
  onMore: (c: number) => void;
  actorName: (id: string | null) => string;
}) {
  const trpc = useTRPC();
  const input = { limit: PAGE, ...(before ? { before } : {}), ...(action ? { action } : {}) };
  const page = useQuery(trpc.audit.list.queryOptions(input));
  if (page.isPending) {
    return (
      <tr>
        <td colSpan={5}>
          <Loading />
        </td>
      </tr>
    );
  }
  if (page.isError) {
    return (
      <tr>
        <td colSpan={5}>
          <ErrorAlert error={page.error} />
        </td>
      </tr>
    );
  }
  const { items, nextCursor } = page.data;
  return (
    <>
      {!before && items.length === 0 ? (
        <tr>
          <td colSpan={5}>
            <EmptyState title={action ? `No “${action}” entries.` : 'No audit entries yet.'} />
          </td>
        </tr>
      ) : null}
      {items.map((e) => (
        <tr key={e.id} data-testid="audit-row">
          <td className="nowrap">{formatDateTime(e.createdAt)}</td>
          <td>{actorName(e.actorUserId)}</td>
          <td>
            <span className="chip mono">{e.action}</span>
          </td>
          <td>{describeTarget(e.targetType, e.targetId, e.data)}</td>
          <td className="mono small">{e.ip ?? '—'}</td>
        </tr>
      ))}
      {isLast && nextCursor ? (
        <tr>
          <td colSpan={5} className="center">
            <button type="button" className="btn" onClick={() => onMore(nextCursor)}>
              Load more
            </button>
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** `/w/$workspaceId/audit`: who did what, newest first. */
export function AuditPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const [action, setAction] = useState('');
  const [cursors, setCursors] = useState<number[]>([]);
  const members = useQuery(trpc.members.list.queryOptions());
  const actions = useQuery({ ...trpc.audit.actions.queryOptions(), enabled: can(ws, 'audit:read') }).data ?? [];
  if (!can(ws, 'audit:read')) return <EmptyState title="The audit log is for admins and owners." />;
  const actorName = (id: string | null) => {
    if (!id) return 'System';
    const m = members.data?.find((x) => x.userId === id);
    return m ? m.name : `Former member (${id.slice(0, 8)})`;
  };
  const chunks: (number | undefined)[] = [undefined, ...cursors];
  return (
    <div className="page page-wide">
      <PageHeader title="Audit log" description={<>Security-relevant activity in {ws.name}.</>}>
        <div className="field field-compact">
          <label htmlFor="audit-action">Action</label>
          <OptionSelect
            id="audit-action"
            value={action}
            onChange={(a) => {
              setAction(a);
              setCursors([]);
            }}
            emptyLabel="All actions"
            options={actions}
          />
        </div>
      </PageHeader>
      <DataTable testId="audit-table" columns={['Time', 'Actor', 'Action', 'Target', 'IP']}>
        {chunks.map((before, i) => (
          <AuditChunk
            key={`${action}:${before ?? 'first'}`}
            action={action}
            {...(before ? { before } : {})}
            isLast={i === chunks.length - 1}
            onMore={(c) => setCursors((cs) => [...cs, c])}
            actorName={actorName}
          />
        ))}
      </DataTable>
    </div>
  );
}
