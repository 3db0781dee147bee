import { PrimaryButton } from '../../../ui/Buttons.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { AddProviderForm } from '../components/AddProviderForm.js';
import { BudgetMeter, BudgetPanel } from '../components/BudgetPanel.js';
import { ChainView, FallbackChainPanel, OFFLINE_HINT } from '../components/FallbackChainPanel.js';
import { EmptyState } from '../../../ui/Feedback.js';
import { LlmTabs } from '../components/LlmTabs.js';
import { ProviderKeysPanel } from '../components/ProviderKeysPanel.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { can } from '../../../lib/access.js';
import { useTRPC } from '../../../lib/trpc.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

/** `/w/$workspaceId/llm`: provider keys, fallback order and budget (admins); the effective chain (members). */
export function LlmSettingsPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const [isAdding, setIsAdding] = useState(false);
  const canUse = can(ws, 'llm:use');
  const isAdmin = can(ws, 'llm:manage');
  const settings = useQuery({ ...trpc.llm.settings.get.queryOptions(), enabled: canUse });
  if (!canUse) return <EmptyState title="Using LLMs here needs the llm:use permission." />;
  return (
    <div className="page">
      <PageHeader
        title="LLM"
        description={<>Which language models {ws.name} calls, in what order, and how much it may spend.</>}
      >
        {isAdmin && !isAdding ? <PrimaryButton onClick={() => setIsAdding(true)}>Add provider</PrimaryButton> : null}
      </PageHeader>
      <LlmTabs />
      <QueryStatus query={settings} />
      {isAdmin ? (
        <>
          {isAdding ? <AddProviderForm onDone={() => setIsAdding(false)} /> : null}
          <section className="section">
            <h2>Providers</h2>
            <ProviderKeysPanel />
          </section>
          {settings.data ? (
            <div className="two-col">
              <FallbackChainPanel key={settings.data.effectiveChain.join('\n')} settings={settings.data} />
              <BudgetPanel key={String(settings.data.monthlyBudgetUsd)} settings={settings.data} />
            </div>
          ) : null}
        </>
      ) : settings.data ? (
        <div className="two-col">
          <section className="card form">
            <div>
              <h2>Fallback order</h2>
              <p className="muted small">
                Calls try these providers top to bottom until one answers. Admins manage providers and keys.
              </p>
            </div>
            <ChainView chain={settings.data.effectiveChain} />
            <p className="muted small">{OFFLINE_HINT}</p>
          </section>
          <section className="card form">
            <h2>Monthly budget</h2>
            <BudgetMeter spent={settings.data.spentThisMonthUsd} budget={settings.data.monthlyBudgetUsd} />
          </section>
        </div>
      ) : null}
    </div>
  );
}
