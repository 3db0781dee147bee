import { SubmitButton } from '../../../ui/SubmitButton.js';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../../../lib/errors.js';
import { useTRPC, type RouterOutputs } from '../../../lib/trpc.js';
import { FormError } from '../../../ui/FormError.js';
import { formatUsd } from '../../../ui/LlmFormat.js';
import { useRefreshProviders } from './ProviderKeysPanel.js';
import { useToast } from '../../../ui/Toasts.js';
import { TextField } from '../../../ui/TextField.js';

type Settings = RouterOutputs['llm']['settings']['get'];

/** "Spent this month $X of $Y" with a bar; red once the budget is used up. */
export function BudgetMeter({ spent, budget }: { spent: number; budget: number | null }) {
  // A zero budget is spent from the start: the server refuses every call.
  const ratio = budget === null ? 0 : budget > 0 ? Math.min(1, spent / budget) : 1;
  return (
    <div className="budget" data-testid="budget-meter">
      <p className="budget-line">
        Spent this month <strong>{formatUsd(spent)}</strong>{' '}
        {budget !== null ? <>of {formatUsd(budget)}</> : <span className="muted">(no budget set)</span>}
      </p>
      {budget !== null ? (
        <div
          className={`progress${ratio >= 1 ? ' progress-over' : ratio >= 0.8 ? ' progress-warn' : ''}`}
          role="progressbar"
          aria-label="Budget used"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(ratio * 100)}
        >
          <div className="progress-fill" style={{ width: `${ratio * 100}%` }} />
        </div>
      ) : null}
    </div>
  );
}

/** Admins: the monthly budget (empty = none). Calls are refused once it is spent. */
export function BudgetPanel({ settings }: { settings: Settings }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshProviders();
  const [value, setValue] = useState(settings.monthlyBudgetUsd === null ? '' : String(settings.monthlyBudgetUsd));
  const save = useMutation(
    trpc.llm.settings.update.mutationOptions({
      meta: { inline: true },
      onSuccess: async (s) => {
        toast.success(
          s.monthlyBudgetUsd === null ? 'Budget removed' : `Budget set to ${formatUsd(s.monthlyBudgetUsd)} a month`,
        );
        await refresh();
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ monthlyBudgetUsd: value.trim() === '' ? null : Number(value) });
  };
  return (
    <form className="card form" onSubmit={submit} noValidate data-testid="budget-panel">
      <div>
        <h2>Monthly budget</h2>
        <p className="muted small">
          Once the month's spend reaches the budget, LLM calls are refused until the next month (UTC) or until you raise
          it.
        </p>
      </div>
      <BudgetMeter spent={settings.spentThisMonthUsd} budget={settings.monthlyBudgetUsd} />
      <FormError error={save.error} />
      <div className="form form-inline">
        <TextField
          label="Budget in USD per month"
          id="budget-usd"
          error={fieldError(save.error, 'monthlyBudgetUsd')}
          hint="Leave empty for no budget."
          type="number"
          min={0}
          step="0.01"
          inputMode="decimal"
          value={value}
          onChange={setValue}
          placeholder="No budget"
        />
        <SubmitButton label="Save budget" busy={save.isPending} busyLabel="Saving…" />
      </div>
    </form>
  );
}
