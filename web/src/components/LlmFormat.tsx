/** Display helpers for LLM money and token counts. */

const trim = (s: string) => s.replace(/0+$/, '').replace(/\.$/, '');

/** Dollars with as many decimals as a small amount needs: $12.50, $0.0123, $0.000066. */
export function formatUsd(n: number): string {
  if (n === 0) return '$0.00';
  if (Math.abs(n) >= 1) return `$${n.toFixed(2)}`;
  if (Math.abs(n) >= 0.01) return `$${trim(n.toFixed(4)).padEnd(4, '0')}`;
  return `$${trim(n.toFixed(6))}`;
}

/** A call's cost: "free" for zero-priced models, "unpriced" when the model has no price. */
export function formatCost(costUsd: number | null): string {
  if (costUsd === null) return 'unpriced';
  if (costUsd === 0) return 'free';
  return formatUsd(costUsd);
}

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat();

export function formatTokens(n: number, isCompact = false): string {
  return isCompact ? compact.format(n) : whole.format(n);
}

export function CostText({ costUsd }: { costUsd: number | null }) {
  if (costUsd === null) return <span className="muted" title="This model has no price in the catalog">unpriced</span>;
  return <span>{formatCost(costUsd)}</span>;
}
