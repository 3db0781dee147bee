/**
 * ast-grep parsing for the rule languages. Python, Go and Java are dynamic grammars
 * (`@ast-grep/lang-*`): they must be registered once per process before the first parse.
 */
import { createRequire } from 'node:module';
import { Lang, parse, registerDynamicLanguage } from '@ast-grep/napi';
import type { DynamicLangRegistrations, SgRoot } from '@ast-grep/napi';
import type { Language } from './types.js';
import type { RuleLanguage } from './rule-pack.js';

const require = createRequire(import.meta.url);
let isRegistered = false;

function registerOnce(): void {
  if (isRegistered) return;
  isRegistered = true;
  const registrations: DynamicLangRegistrations = {
    python: require('@ast-grep/lang-python') as DynamicLangRegistrations[string],
    go: require('@ast-grep/lang-go') as DynamicLangRegistrations[string],
    java: require('@ast-grep/lang-java') as DynamicLangRegistrations[string],
  };
  registerDynamicLanguage(registrations);
}

const BUILTIN: Partial<Record<RuleLanguage, Lang>> = {
  typescript: Lang.TypeScript,
  tsx: Lang.Tsx,
  javascript: Lang.JavaScript,
};

export function isRuleLanguage(language: Language): language is RuleLanguage {
  return language in BUILTIN || language === 'python' || language === 'go' || language === 'java';
}

/** Parses text once; the root is shared by every rule that runs on the file. */
export function parseAs(language: RuleLanguage, text: string): SgRoot {
  const builtin = BUILTIN[language];
  if (builtin !== undefined) return parse(builtin, text);
  registerOnce();
  return parse(language, text);
}

export function isJsFamily(language: RuleLanguage): boolean {
  return language === 'typescript' || language === 'tsx' || language === 'javascript';
}
