import { describe, expect, it } from 'vitest';
import {
  extractSpecializations,
  specializationCategories,
  specializationLabels,
  suggestSpecializations,
  tokenize,
} from './specialization-extractor.js';
import { evaluate, holdoutEvalPath, loadEvalSet, othersEvalPath } from './specialization-eval.js';

const ids = (text: string | string[], minScore?: number) =>
  extractSpecializations(text, minScore === undefined ? {} : { minScore }).map((r) => r.id);
const scoreOf = (text: string, id: string) =>
  extractSpecializations(text, { limit: 15, minScore: 0 }).find((r) => r.id === id)?.score ?? 0;

describe('specialization extractor', () => {
  it('has 15 categories in canonical order, each with a label', () => {
    expect(specializationCategories).toHaveLength(15);
    expect(specializationCategories[0]).toBe('security');
    expect(specializationCategories[14]).toBe('compliance');
    for (const id of specializationCategories) expect(specializationLabels[id]).toMatch(/\S/);
  });

  it('counts inflections of a word but not longer words that contain it', () => {
    for (const word of ['tests', 'testing', 'tested', 'test']) expect(ids(word, 0)).toEqual(['testing']);
    for (const word of ['contest', 'latest', 'contests', 'protested']) expect(ids(word, 0)).toEqual([]);
    expect(ids('reactor reaction', 0)).toEqual([]);
    expect(ids('awsome awesome', 0)).toEqual([]);
    expect(tokenize('databases database')).toEqual(['databas', 'databas']);
    expect(tokenize('optimising optimized optimisation optimization')).toEqual([
      'optimiz',
      'optimiz',
      'optimization',
      'optimization',
    ]);
  });

  it('matches tokens with punctuation, digits and accents', () => {
    expect(extractSpecializations('CI/CD')[0]).toMatchObject({ id: 'devops', matches: ['ci/cd'] });
    expect(extractSpecializations('Node.js')[0]).toMatchObject({ id: 'backend', matches: ['node.js'] });
    expect(extractSpecializations('k8s')[0]?.id).toBe('devops');
    expect(extractSpecializations('SOC 2')[0]).toMatchObject({ id: 'compliance', matches: ['soc 2'] });
    expect(extractSpecializations('ISO 27001')[0]?.id).toBe('compliance');
    expect(extractSpecializations('C# and .NET')[0]).toMatchObject({
      id: 'backend',
      matches: expect.arrayContaining(['c#', '.net']),
    });
    expect(ids('Diátaxis')).toEqual(['documentation']);
    expect(ids('end to end')).toEqual(['testing']);
    expect(ids('End-to-End')).toEqual(['testing']);
  });

  it('lets a phrase outrank and consume its component words', () => {
    // "react" alone is frontend; inside "react native" it must not count for frontend.
    expect(ids('react native')).toEqual(['mobile']);
    expect(ids('penetration testing')).toEqual(['security']);
    expect(extractSpecializations('machine learning')[0]).toMatchObject({
      id: 'machine-learning',
      matches: ['machine learning'],
    });
    expect(scoreOf('react native', 'mobile')).toBeGreaterThan(scoreOf('native', 'mobile'));
  });

  it('gives repeated terms diminishing returns', () => {
    const once = scoreOf('kubernetes', 'devops');
    const twenty = scoreOf('kubernetes '.repeat(20), 'devops');
    expect(twenty).toBeGreaterThan(once);
    expect(twenty).toBeLessThan(3 * once);
    // Three distinct strong signals beat one strong signal repeated twenty times.
    expect(scoreOf('kubernetes helm terraform', 'devops')).toBeGreaterThan(twenty);
  });

  it('breaks exact ties by canonical category order, not by text order', () => {
    // jenkins (devops, 3) and css (frontend, 3) tie exactly; frontend precedes devops canonically.
    for (const text of ['jenkins css', 'css jenkins']) {
      const result = extractSpecializations(text);
      expect(result.map((r) => r.score)).toEqual([3, 3]);
      expect(result.map((r) => r.id)).toEqual(['frontend', 'devops']);
    }
  });

  it('returns nothing for off-topic text and everyday uses of technical words', () => {
    expect(extractSpecializations('I love baking sourdough bread and hiking')).toEqual([]);
    expect(ids('Former security guard at a mall who bakes in a test kitchen')).toEqual([]);
    expect(ids('A cloud of dust rose over the dockyard')).toEqual([]);
  });

  it('honours limit and minScore, and returns sorted results with explanations', () => {
    const text = 'Kubernetes, Terraform and AWS Lambda; React frontend; PostgreSQL; pytest; GDPR';
    const all = extractSpecializations(text, { limit: 15 });
    expect(all.length).toBeGreaterThan(3);
    expect(extractSpecializations(text)).toHaveLength(3);
    expect(extractSpecializations(text, { limit: 1 })).toHaveLength(1);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.score).toBeGreaterThanOrEqual(all[i]!.score);
    for (const r of all) expect(r.matches.length).toBeGreaterThan(0);
    expect(extractSpecializations(text, { minScore: 100 })).toEqual([]);
  });

  it('returns a second and third domain on one medium word once the text is technical', () => {
    // Field report: security and cost were missing although the words are there.
    const k8s = extractSpecializations(
      'Reviews Kubernetes manifests and Terraform for security misconfigurations and cost',
    );
    expect(k8s.map((r) => r.id)).toEqual(expect.arrayContaining(['security', 'devops', 'cloud']));
    expect(k8s.find((r) => r.id === 'security')?.matches).toContain('security misconfiguration');
    expect(k8s.find((r) => r.id === 'cloud')?.matches).toContain('cost');
    expect(ids('Node.js API developer; the endpoints are slow')).toEqual(['backend', 'performance']);
    expect(ids('Security-minded Terraform reviewer')).toEqual(['devops', 'security', 'cloud']);
    // The same medium words alone stay below the bar: off-topic text still yields nothing.
    for (const text of [
      'Home security advisor',
      'Keeps the cost of every trip low',
      'A slow, careful reader',
      'Marathon coach focused on performance',
    ]) {
      expect(ids(text)).toEqual([]);
    }
  });

  it('maps the words others use for performance, security, backend, architecture and cost', () => {
    expect(ids('p99 and throughput')[0]).toBe('performance');
    expect(ids('perf work on app startup time')[0]).toBe('performance');
    expect(ids('threat modeler, pen test findings, dependency vulns')).toEqual(['security']);
    expect(ids('builds the BFF service for our app')).toContain('backend');
    expect(ids('writes design docs about service boundaries')[0]).toBe('architecture');
    expect(ids('tracks cloud spend and compute cost per team')).toEqual(['cloud']);
  });

  it('does not read everyday words as look-alike terms', () => {
    // "theming" once stemmed to "them", "embedded" to the stem of "embeddings".
    expect(ids('UX researcher who tests them with real users', 0)).not.toContain('frontend');
    expect(ids('technical writer embedded with the platform team', 0)).not.toContain('machine-learning');
    expect(ids('dark mode and theming', 0)).toEqual(['frontend']);
    expect(ids('Board game designer who playtests rules')).toEqual([]);
  });

  it('suggests ids from persona parts without joining phrases across fields', () => {
    expect(suggestSpecializations({ description: 'iOS developer', traits: ['SwiftUI', 'TestFlight'] })).toEqual([
      'mobile',
    ]);
    expect(suggestSpecializations({})).toEqual([]);
    // "react" ends one trait and "native" starts the next: no "react native" phrase.
    const split = extractSpecializations(['loves react', 'native speaker'], { minScore: 0, limit: 15 });
    expect(split.flatMap((r) => r.matches)).not.toContain('react native');
    expect(split.find((r) => r.id === 'frontend')?.matches).toEqual(['react']);
  });
});

describe('specialization eval set', () => {
  const items = loadEvalSet();
  const others = loadEvalSet(othersEvalPath);
  const holdout = loadEvalSet(holdoutEvalPath);
  const predict = (text: string) => extractSpecializations(text).map((r) => r.id);

  it('parses, is large enough, has valid labels and both splits', () => {
    expect(items.length).toBeGreaterThanOrEqual(170);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    const valid = new Set<string>(specializationCategories);
    for (const item of items) for (const e of item.expected) expect(valid.has(e)).toBe(true);
    for (const id of specializationCategories) {
      expect(items.filter((i) => i.expected[0] === id).length).toBeGreaterThanOrEqual(8);
    }
    expect(items.filter((i) => i.split === 'holdout').length).toBeGreaterThan(items.length / 4);
  });

  it('meets the accuracy targets on the whole set and on the holdout split', () => {
    for (const subset of [items, items.filter((i) => i.split === 'holdout')]) {
      const m = evaluate(subset, predict);
      expect(m.recall).toBeGreaterThanOrEqual(0.9);
      expect(m.top1).toBeGreaterThanOrEqual(0.85);
    }
    expect(evaluate(items, predict).precision).toBeGreaterThanOrEqual(0.85);
  });

  it("has others' phrasing in a tuning set and a holdout, each large and labelled like people label", () => {
    for (const [set, split] of [
      [others, 'tune'],
      [holdout, 'holdout'],
    ] as const) {
      expect(set.length).toBeGreaterThanOrEqual(60);
      expect(set.every((i) => i.split === split)).toBe(true);
      expect(set.filter((i) => i.expected.length === 0).length).toBeGreaterThanOrEqual(10);
      const labelled = set.filter((i) => i.expected.length > 0);
      expect(labelled.reduce((n, i) => n + i.expected.length, 0) / labelled.length).toBeGreaterThanOrEqual(1.6);
    }
    const allIds = [...items, ...others, ...holdout].map((i) => i.id);
    expect(new Set(allIds).size).toBe(allIds.length);
  });

  it("meets the targets on others' phrasing (tuning set) and does not regress on the untuned holdout", () => {
    const tuned = evaluate(others, predict);
    expect(tuned.recall).toBeGreaterThanOrEqual(0.9);
    expect(tuned.precision).toBeGreaterThanOrEqual(0.85);
    expect(tuned.rejection).toBeGreaterThanOrEqual(0.8);
    // Floors, not targets: the holdout is measured, never tuned on (untuned it was R 0.83, P 0.88).
    const held = evaluate(holdout, predict);
    expect(held.recall).toBeGreaterThanOrEqual(0.88);
    expect(held.precision).toBeGreaterThanOrEqual(0.8);
    expect(held.rejection).toBeGreaterThanOrEqual(0.7);
  });
});
