import { useQuery } from '@tanstack/react-query';
import { EmbeddingStatusPanel } from '../components/EmbeddingStatusPanel.js';
import { EmptyState } from '../../../ui/Feedback.js';
import { MemorySettingsForm } from '../components/MemorySettingsForm.js';
import { MemoryHeader } from '../components/MemoryTabs.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { can } from '../../../lib/access.js';
import { useTRPC } from '../../../lib/trpc.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

/** `/w/$workspaceId/memory/settings` (admins): the embedder, search ranking, and the embedding status with backfill. */
export function MemorySettingsPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const isAdmin = can(ws, 'llm:manage');
  const settings = useQuery({ ...trpc.memory.settings.get.queryOptions(), enabled: isAdmin });
  if (!isAdmin) return <EmptyState title="Memory settings are for admins and owners." />;
  const s = settings.data;
  return (
    <div className="page page-wide">
      <MemoryHeader description="How memory is embedded and ranked. Changing the embedder makes existing vectors stale until they are backfilled." />
      <QueryStatus query={settings} />
      <div className="two-col">
        {s ? <MemorySettingsForm key={JSON.stringify(s)} settings={s} /> : <div />}
        <EmbeddingStatusPanel />
      </div>
    </div>
  );
}
