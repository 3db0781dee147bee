import { DataTable } from '../../../ui/DataTable.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { formatDateTime } from '../../../lib/format.js';
import { useTRPC, type RouterOutputs } from '../../../lib/trpc.js';
import { ConfirmButton } from '../../../ui/ConfirmButton.js';
import { EmptyState, ErrorAlert, Loading } from '../../../ui/Feedback.js';
import { useToast } from '../../../ui/Toasts.js';

type TestResult = RouterOutputs['llm']['keys']['test'];

/** Invalidates everything that lists providers (keys, settings, the provider picker). */
export function useRefreshProviders() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.llm.keys.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.llm.settings.get.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.llm.providers.queryKey() }),
    ]);
}

function TestOutcome({ result }: { result: TestResult }) {
  if (result.isOk) {
    return (
      <span className="test-ok" data-testid="key-test-result">
        ✓ Works · {result.latencyMs} ms · <span className="mono">{result.model}</span> replied “{result.reply.trim()}”
      </span>
    );
  }
  return (
    <span className="test-fail" data-testid="key-test-result">
      ✗ Failed after {result.latencyMs} ms ({result.model || 'no model'}): {result.error}
    </span>
  );
}

/** Admins: the workspace's provider connections, with Test and Remove. */
export function ProviderKeysPanel() {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshProviders();
  const keys = useQuery(trpc.llm.keys.list.queryOptions());
  const [results, setResults] = useState<Record<string, TestResult>>({});
  const [testingId, setTestingId] = useState<string | null>(null);
  const test = useMutation(
    trpc.llm.keys.test.mutationOptions({
      onMutate: ({ id }) => {
        setTestingId(id);
        setResults(({ [id]: _old, ...rest }) => rest);
      },
      onSuccess: (r, { id }) => setResults((cur) => ({ ...cur, [id]: r })),
      onSettled: async () => {
        setTestingId(null);
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.llm.keys.remove.mutationOptions({
      onSuccess: async () => {
        toast.success('Provider removed');
        await refresh();
      },
    }),
  );
  if (keys.isPending) return <Loading />;
  if (keys.isError) return <ErrorAlert error={keys.error} />;
  if (keys.data.length === 0) {
    return (
      <EmptyState title="No providers yet">
        Until you add one, every call uses the built-in offline provider.
      </EmptyState>
    );
  }
  return (
    <DataTable testId="keys-table" columns={['Name', 'Kind', 'Model', 'Key', 'Last used', 'Last error']} actions>
      {keys.data.map((k) => {
        const result = results[k.id];
        return (
          <Fragment key={k.id}>
            <tr data-testid="key-row">
              <td>
                <strong>{k.name}</strong>
                {k.baseUrl ? (
                  <div className="muted small mono truncate" title={k.baseUrl}>
                    {k.baseUrl}
                  </div>
                ) : null}
              </td>
              <td>
                <span className="badge">{k.kind}</span>
              </td>
              <td className="mono small">{k.defaultModel || '—'}</td>
              <td className="mono small">{k.keyHint ?? <span className="muted">none</span>}</td>
              <td className="nowrap">{formatDateTime(k.lastUsedAt)}</td>
              <td className="small error-cell">
                {k.lastError ? <span className="test-fail">{k.lastError}</span> : <span className="muted">—</span>}
              </td>
              <td className="actions">
                <button
                  type="button"
                  className="btn btn-sm"
                  disabled={testingId === k.id}
                  onClick={() => test.mutate({ id: k.id })}
                >
                  {testingId === k.id ? 'Testing…' : 'Test'}
                </button>{' '}
                <ConfirmButton
                  small
                  label="Remove"
                  question={`Remove "${k.name}"?`}
                  onConfirm={() => remove.mutate({ id: k.id })}
                />
              </td>
            </tr>
            {result ? (
              <tr className="subrow">
                <td colSpan={7}>
                  <TestOutcome result={result} />
                </td>
              </tr>
            ) : null}
          </Fragment>
        );
      })}
    </DataTable>
  );
}
