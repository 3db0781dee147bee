import { Breadcrumbs } from '../../../ui/Breadcrumbs.js';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { can } from '../../../lib/access.js';
import {
  isLanguageCode,
  languageCodes,
  languageNames,
  modeLabel,
  providerLabel,
  type Discussion,
} from '../discussions.js';
import { useTRPC } from '../../../lib/trpc.js';
import type { Connection } from '../use-discussion-events.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';

const connectionLabels: Record<Connection, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
};

interface ChatHeaderProps {
  d: Discussion;
  connection: Connection;
  isGenerating: boolean;
  hasMessages: boolean;
  /** The language the last turn was answered in (auto-detected or set). */
  usedLanguage: string | null;
}

/** Title, mode, participants, and Stop / Continue / language. */
export function ChatHeader({ d, connection, isGenerating, hasMessages, usedLanguage }: ChatHeaderProps) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const queryClient = useQueryClient();
  const canWrite = can(ws, 'discussions:write');
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.discussions.get.queryKey({ id: d.id }) });
  const stop = useMutation(
    trpc.discussions.stop.mutationOptions({
      onSuccess: async (r) => {
        toast.success(
          r.status === 'stopping' ? 'Stopping: what was written so far is kept' : 'Nothing is being answered',
        );
        await refresh();
      },
    }),
  );
  const cont = useMutation(trpc.discussions.continue.mutationOptions({ onSuccess: refresh }));
  const update = useMutation(
    trpc.discussions.update.mutationOptions({
      onSuccess: async () => {
        toast.success('Language saved');
        await refresh();
      },
    }),
  );
  const autoHint =
    !d.language && usedLanguage && isLanguageCode(usedLanguage) ? ` (${languageNames[usedLanguage]})` : '';
  return (
    <div className="chat-header">
      <Breadcrumbs>
        <Link to="/w/$workspaceId/discussions" params={{ workspaceId: ws.id }}>
          Discussions
        </Link>
        <span>{d.title}</span>
      </Breadcrumbs>
      <div className="page-header">
        <div className="chat-title">
          <h1>
            {d.title}{' '}
            <span className={`badge mode-badge mode-${d.mode}`} data-testid="discussion-mode">
              {modeLabel(d.mode)}
            </span>
            {d.mode === 'consensus' ? (
              <span className="muted small chat-rounds"> {d.consensusRounds} rounds</span>
            ) : null}{' '}
            <span className={`conn conn-${connection}`} data-testid="connection">
              {connectionLabels[connection]}
            </span>
          </h1>
          <ul className="participant-chips" aria-label="Participants" data-testid="participants">
            {d.participants.map((p) => (
              <li key={p.key} className={`participant-chip lane-${p.key}`} data-testid="participant" data-lane={p.key}>
                <span className="lane-dot" aria-hidden="true" />
                <strong>{p.name}</strong> <span className="muted small">{providerLabel(p.provider, p.model)}</span>
              </li>
            ))}
          </ul>
        </div>
        <div className="toolbar chat-actions">
          {canWrite ? (
            <>
              <label htmlFor="discussion-language" className="sr-only">
                Answer language
              </label>
              <select
                id="discussion-language"
                className="input input-sm"
                value={d.language ?? ''}
                onChange={(e) =>
                  update.mutate({ id: d.id, language: isLanguageCode(e.target.value) ? e.target.value : null })
                }
                disabled={update.isPending}
                title="The language the participants answer in"
              >
                <option value="">Auto-detect{autoHint}</option>
                {languageCodes.map((c) => (
                  <option key={c} value={c}>
                    {languageNames[c]}
                  </option>
                ))}
              </select>
              {isGenerating ? (
                <button
                  type="button"
                  className="btn btn-danger"
                  onClick={() => stop.mutate({ id: d.id })}
                  disabled={stop.isPending}
                >
                  {stop.isPending ? 'Stopping…' : 'Stop'}
                </button>
              ) : hasMessages ? (
                <button
                  type="button"
                  className="btn"
                  onClick={() => cont.mutate({ id: d.id })}
                  disabled={cont.isPending}
                  title="Another round of answers without a new message"
                >
                  Continue
                </button>
              ) : null}
            </>
          ) : null}
        </div>
      </div>
    </div>
  );
}
