/**
 * Money as every page and report shows it. A model without a price in the catalog has an
 * unknown cost, never "free": totals carry the priced sum and how many calls were unpriced.
 * Browser-safe: this module imports nothing.
 */

const trim = (s: string) => s.replace(/0+$/, '').replace(/\.$/, '');

/** Dollars with as many decimals as a small amount needs: $12.50, $0.0123, $0.000066. */
export function formatUsd(n: number): string {
  if (n === 0) return '$0.00';
  if (Math.abs(n) >= 1) return `$${n.toFixed(2)}`;
  if (Math.abs(n) >= 0.01) return `$${trim(n.toFixed(4)).padEnd(4, '0')}`;
  return `$${trim(n.toFixed(6))}`;
}

/**
 * A cost: "unpriced" when nothing priced was spent and some call had no price, "$0.012 +
 * unpriced" when both, "free" for calls priced at zero (the offline model), else dollars.
 * `costUsd` null is one unpriced call. Example: `formatCost(0, 2)` → "unpriced".
 */
export function formatCost(costUsd: number | null, unpricedCalls = 0): string {
  const unpriced = costUsd === null || unpricedCalls > 0;
  const priced = costUsd ?? 0;
  if (unpriced) return priced > 0 ? `${formatUsd(priced)} + unpriced` : 'unpriced';
  if (priced === 0) return 'free';
  return formatUsd(priced);
}
