import type { UsageTotal } from '../state.js';
import { formatCost, formatTokens } from '../../../ui/LlmFormat.js';

function Row({ t, isTotal = false }: { t: UsageTotal; isTotal?: boolean }) {
  return (
    <tr
      className={isTotal ? 'usage-total' : `lane-${t.key}`}
      data-testid={isTotal ? 'discussion-total' : 'participant-total'}
      data-key={t.key}
    >
      <th scope="row">
        {isTotal ? null : <span className="lane-dot" aria-hidden="true" />}
        {t.name}
      </th>
      <td className="num">{t.messages}</td>
      <td className="num">{formatTokens(t.tokensIn)}</td>
      <td className="num">{formatTokens(t.tokensOut)}</td>
      <td className="num" data-testid="usage-cost">
        <span title={t.hasUnpriced ? 'Some answers came from a model without a price' : undefined}>
          {formatCost(t.costUsd, t.hasUnpriced ? 1 : 0)}
        </span>
      </td>
    </tr>
  );
}

/** Tokens and cost per participant (and the synthesis), with the discussion's total. */
export function UsageFooter({ rows, total }: { rows: readonly UsageTotal[]; total: UsageTotal }) {
  return (
    <section className="card table-wrap usage-footer" aria-labelledby="usage-title" data-testid="participant-totals">
      <h2 id="usage-title" className="usage-title">
        Usage
      </h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Participant</th>
            <th scope="col" className="num">
              Answers
            </th>
            <th scope="col" className="num">
              Tokens in
            </th>
            <th scope="col" className="num">
              Tokens out
            </th>
            <th scope="col" className="num">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <Row key={t.key} t={t} />
          ))}
        </tbody>
        <tfoot>
          <Row t={total} isTotal />
        </tfoot>
      </table>
    </section>
  );
}
