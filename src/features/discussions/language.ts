/**
 * Which language the user writes in, from function words (no model, no network). Replies
 * follow it unless the discussion sets a language. Example: `detectLanguage('Wie können wir das Caching verbessern?')` → 'de'.
 */
import type { LanguageCode } from './schema.js';

const functionWords: Record<LanguageCode, string[]> = {
  en: ['the', 'and', 'is', 'are', 'what', 'how', 'we', 'should', 'to', 'of', 'it', 'this', 'that', 'with', 'for', 'not', 'can', 'do', 'you', 'our'],
  de: ['der', 'die', 'das', 'und', 'ist', 'sind', 'wie', 'was', 'wir', 'nicht', 'mit', 'für', 'ein', 'eine', 'zu', 'den', 'sollten', 'können', 'ich', 'auf'],
  fr: ['le', 'la', 'les', 'et', 'est', 'sont', 'comment', 'que', 'nous', 'pas', 'avec', 'pour', 'un', 'une', 'des', 'du', 'devrions', 'pouvons', 'je', 'sur'],
  es: ['el', 'la', 'los', 'las', 'y', 'es', 'son', 'cómo', 'qué', 'nosotros', 'no', 'con', 'para', 'un', 'una', 'del', 'deberíamos', 'podemos', 'yo', 'por'],
  it: ['il', 'lo', 'gli', 'e', 'è', 'sono', 'come', 'che', 'noi', 'non', 'con', 'per', 'un', 'una', 'del', 'della', 'dovremmo', 'possiamo', 'io', 'su'],
  nl: ['de', 'het', 'een', 'en', 'is', 'zijn', 'hoe', 'wat', 'wij', 'we', 'niet', 'met', 'voor', 'van', 'moeten', 'kunnen', 'ik', 'op', 'dat', 'deze'],
  pt: ['o', 'os', 'as', 'e', 'é', 'são', 'como', 'que', 'nós', 'não', 'com', 'para', 'um', 'uma', 'do', 'da', 'devemos', 'podemos', 'eu', 'em'],
};

export function detectLanguage(text: string): LanguageCode {
  const words = text.toLowerCase().match(/[\p{L}]+/gu) ?? [];
  let best: { code: LanguageCode; score: number } = { code: 'en', score: 0 };
  for (const [code, list] of Object.entries(functionWords) as [LanguageCode, string[]][]) {
    const set = new Set(list);
    const score = words.reduce((n, w) => n + (set.has(w) ? 1 : 0), 0);
    if (score > best.score) best = { code, score };
  }
  // Too little evidence (a short or code-only message): stay with English.
  return best.score >= 2 ? best.code : 'en';
}
