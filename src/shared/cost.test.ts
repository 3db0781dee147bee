import { describe, expect, it } from 'vitest';
import { formatCost, formatUsd } from './cost.js';

describe('cost formatting', () => {
  it('says "unpriced" for calls to a model without a price, never "free", and "free" only for zero-priced calls', () => {
    expect(formatCost(null)).toBe('unpriced');
    expect(formatCost(0, 2)).toBe('unpriced');
    expect(formatCost(0.0123, 1)).toBe('$0.0123 + unpriced');
    expect(formatCost(0)).toBe('free');
    expect(formatCost(12.5)).toBe('$12.50');
    expect(formatUsd(0.000066)).toBe('$0.000066');
  });
});
