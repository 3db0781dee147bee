import { Link } from '@tanstack/react-router';
import type { RouterOutputs } from '../../../lib/trpc.js';
import { hasHighlights } from '../../../../../src/shared/excerpt.js';
import { Highlighted } from '../../../ui/Highlighted.js';
import { InsightChips, TagChips } from './MemoryLabels.js';

export type SearchResult = RouterOutputs['memory']['search'];
export type SearchHit = SearchResult['hits'][number];

const RRF_K = 60;
const rank = (r: number | null) => (r === null ? '—' : `#${r}`);
/** A score part: a small but real part reads "<0.01", not a misleading "0.00". */
const part = (x: number) => (x > 0 && x < 0.01 ? '<0.01' : x.toFixed(2));

/**
 * How a hit scored. Weighted: each part times its weight adds up to the score (the bar
 * shows the two contributions). RRF: the rank in each list, 1/(60 + rank) each.
 */
export function ScoreParts({
  hit,
  mode,
  weights,
}: {
  hit: SearchHit;
  mode: SearchResult['mode'];
  weights: SearchResult['weights'];
}) {
  const isRrf = mode === 'rrf';
  const vectorPart = isRrf ? (hit.vectorRank ? 1 / (RRF_K + hit.vectorRank) : 0) : weights.vector * hit.vectorScore;
  const textPart = isRrf ? (hit.textRank ? 1 / (RRF_K + hit.textRank) : 0) : weights.text * hit.textScore;
  const max = isRrf ? 2 / (RRF_K + 1) : 1;
  const pct = (x: number) => `${Math.min(100, (x / max) * 100).toFixed(1)}%`;
  const title = isRrf
    ? `RRF: 1/(60 + vector rank) + 1/(60 + text rank) = ${hit.score.toFixed(4)}`
    : `${weights.vector} × vector ${hit.vectorScore.toFixed(3)} + ${weights.text} × text ${hit.textScore.toFixed(3)} = ${hit.score.toFixed(3)}`;
  return (
    <span className="score-parts" title={title} data-testid="score-parts">
      <span className="score-bar" aria-hidden="true">
        <span className="score-bar-vector" style={{ width: pct(vectorPart) }} />
        <span className="score-bar-text" style={{ width: pct(textPart) }} />
      </span>
      <span className="score-numbers">
        {isRrf ? (
          <>
            <span className="score-vector">vector {rank(hit.vectorRank)}</span> ·{' '}
            <span className="score-text">text {rank(hit.textRank)}</span> · score {hit.score.toFixed(4)}
          </>
        ) : (
          <>
            <span className="score-vector">vector {part(hit.vectorScore)}</span> ·{' '}
            <span className="score-text">text {part(hit.textScore)}</span>
            {hit.textScore === 0 && (hasHighlights(hit.snippet) || hasHighlights(hit.title)) ? (
              <span
                className="muted"
                title="Highlighted words appear in this text, but the keyword part counts only texts with every word of the query"
                data-testid="partial-words"
              >
                {' '}
                (not every word)
              </span>
            ) : null}{' '}
            · score {part(hit.score)}
          </>
        )}
      </span>
    </span>
  );
}

/** One search result; the whole card opens the entry editor or the insight. */
export function SearchHitCard({
  hit,
  result,
  workspaceId,
  projectName,
}: {
  hit: SearchHit;
  result: SearchResult;
  workspaceId: string;
  projectName: string | null;
}) {
  const isEntry = hit.kind === 'entry';
  return (
    <li className="card hit" data-testid="search-hit" data-kind={hit.kind}>
      <div className="hit-head">
        <span className={`badge kind-${hit.kind}`}>{isEntry ? 'Entry' : 'Insight'}</span>
        {isEntry ? (
          <Link
            to="/w/$workspaceId/memory/entries/$entryId"
            params={{ workspaceId, entryId: hit.id }}
            className="hit-title stretched"
          >
            <Highlighted text={hit.title} />
          </Link>
        ) : (
          <Link
            to="/w/$workspaceId/memory/insights/$insightId"
            params={{ workspaceId, insightId: hit.id }}
            className="hit-title stretched"
          >
            <Highlighted text={hit.title} />
          </Link>
        )}
      </div>
      {hit.snippet.trim() ? (
        <p className="hit-snippet" data-testid="hit-snippet">
          <Highlighted text={hit.snippet} />
        </p>
      ) : null}
      <div className="hit-meta">
        <span className="muted small">{projectName ?? 'Workspace-wide'}</span>
        {isEntry ? (
          <TagChips tags={hit.tags} />
        ) : (
          <InsightChips type={hit.type} severity={hit.severity} status={hit.status} />
        )}
        <ScoreParts hit={hit} mode={result.mode} weights={result.weights} />
      </div>
    </li>
  );
}
