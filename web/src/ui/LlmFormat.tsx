/** Display helpers for LLM money and token counts. */

import { formatCost } from '../../../src/shared/cost.js';

export { formatCost, formatUsd } from '../../../src/shared/cost.js';

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat();

export function formatTokens(n: number, isCompact = false): string {
  return isCompact ? compact.format(n) : whole.format(n);
}

export function CostText({ costUsd }: { costUsd: number | null }) {
  if (costUsd === null)
    return (
      <span className="muted" title="This model has no price in the catalog">
        unpriced
      </span>
    );
  return <span>{formatCost(costUsd)}</span>;
}
