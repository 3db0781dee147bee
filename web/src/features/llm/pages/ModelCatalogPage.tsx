import { PrimaryButton } from '../../../ui/Buttons.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { DataTable } from '../../../ui/DataTable.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmButton } from '../../../ui/ConfirmButton.js';
import { EmptyState } from '../../../ui/Feedback.js';
import { formatTokens, formatUsd } from '../../../ui/LlmFormat.js';
import { LlmTabs } from '../components/LlmTabs.js';
import { AddModelForm, EditPriceRow } from '../components/ModelPriceForm.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { can } from '../../../lib/access.js';
import { useTRPC } from '../../../lib/trpc.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

/** `/w/$workspaceId/llm/models`: prices and context windows used for cost accounting. */
export function ModelCatalogPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<string | null>(null);
  const [isAdding, setIsAdding] = useState(false);
  const canUse = can(ws, 'llm:use');
  const isAdmin = can(ws, 'llm:manage');
  const catalog = useQuery({ ...trpc.llm.catalog.list.queryOptions(), enabled: canUse });
  const reset = useMutation(
    trpc.llm.catalog.remove.mutationOptions({
      onSuccess: (rows, input) => {
        queryClient.setQueryData(trpc.llm.catalog.list.queryKey(), rows);
        toast.success(`Workspace price for ${input.model} removed`);
      },
    }),
  );
  if (!canUse) return <EmptyState title="The model catalog needs the llm:use permission." />;
  return (
    <div className="page">
      <PageHeader
        title="LLM"
        description={
          <>
            List prices per million tokens, used to compute the cost of every call. A model without a price is recorded
            as “unpriced”.
          </>
        }
      >
        {isAdmin && !isAdding ? <PrimaryButton onClick={() => setIsAdding(true)}>Add model</PrimaryButton> : null}
      </PageHeader>
      <LlmTabs />
      {isAdding ? <AddModelForm onDone={() => setIsAdding(false)} /> : null}
      <QueryStatus query={catalog} />
      {catalog.data ? (
        <DataTable
          testId="catalog-table"
          columns={[
            'Provider',
            'Model',
            { label: 'Context window', className: 'num' },
            { label: 'Input $ / 1M', className: 'num' },
            { label: 'Output $ / 1M', className: 'num' },
            'Source',
          ]}
          actions
        >
          {catalog.data.map((m) => {
            const id = `${m.provider}:${m.model}`;
            if (editing === id) return <EditPriceRow key={id} row={m} onDone={() => setEditing(null)} />;
            return (
              <tr key={id} data-testid="catalog-row">
                <td>{m.provider}</td>
                <td className="mono">{m.model}</td>
                <td className="num">{formatTokens(m.contextWindow)}</td>
                <td className="num">{formatUsd(m.inputPerMTok)}</td>
                <td className="num">{formatUsd(m.outputPerMTok)}</td>
                <td>
                  <span className={`badge badge-${m.source}`}>{m.source}</span>
                </td>
                <td className="actions">
                  {isAdmin ? (
                    <>
                      <button type="button" className="btn btn-sm" onClick={() => setEditing(id)}>
                        Edit
                      </button>
                      {m.source !== 'built-in' ? (
                        <>
                          {' '}
                          <ConfirmButton
                            small
                            label={m.source === 'override' ? 'Reset' : 'Remove'}
                            question={
                              m.source === 'override'
                                ? 'Go back to the built-in price?'
                                : 'Remove this model from the workspace catalog? Its calls will be unpriced.'
                            }
                            onConfirm={() => reset.mutate({ provider: m.provider, model: m.model })}
                          />
                        </>
                      ) : null}
                    </>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </DataTable>
      ) : null}
    </div>
  );
}
