import { describe, expect, it } from 'vitest';
import { excerptAround, HIGHLIGHT_END as E, HIGHLIGHT_START as S, plainMarkdown } from './excerpt.js';

describe('excerpts', () => {
  it('reads Markdown as its words: no heading marks, emphasis, code marks, links or list markers', () => {
    expect(
      plainMarkdown(
        '# Retry policy\n\nThe **payments** service _retries_ `charge()` — see [the runbook](https://x.test/rb).\n\n- one\n- [x] two\n> quoted',
      ),
    ).toBe('Retry policy The payments service retries charge() — see the runbook. one two quoted');
    expect(plainMarkdown('keep snake_case and a * b, and 2*3')).toBe('keep snake_case and a * b, and 2*3');
    expect(plainMarkdown(`# ${S}Payments${E} **${S}retry${E}**`)).toBe(`${S}Payments${E} ${S}retry${E}`);
    expect(plainMarkdown('```ts\nconst x = 1;\n```')).toBe('const x = 1;');
  });

  it('cuts the passage around the match, marks it, and says where it was cut', () => {
    const text = `${'lead words '.repeat(40)}the payments gateway times out ${'tail words '.repeat(40)}`;
    const e = excerptAround(text, 'Payments', 80);
    expect(e.startsWith('… ')).toBe(true);
    expect(e.endsWith(' …')).toBe(true);
    expect(e).toContain(`the ${S}payments${E} gateway`);
    expect(e.length).toBeLessThan(100);
    expect(excerptAround('short text', 'text')).toBe(`short ${S}text${E}`);
    expect(excerptAround('no match here', 'zebra')).toBe('no match here');
  });
});
