/** The languages a discussion can be answered in, by code (browser-safe: the web lists them too). */
export const languages = {
  en: 'English',
  de: 'German',
  fr: 'French',
  es: 'Spanish',
  it: 'Italian',
  nl: 'Dutch',
  pt: 'Portuguese',
} as const;
export type LanguageCode = keyof typeof languages;
