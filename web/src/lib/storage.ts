/** Browser-remembered choices. Storage can be unavailable (private mode): then nothing is remembered. */
const LAST_WORKSPACE = 'nyxcore:lastWorkspace';
const THEME = 'nyxcore:theme';

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Stores `value` under `key`, or forgets the key when `value` is null. */
function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // storage unavailable: nothing to remember
  }
}

/** The last workspace the user opened. */
export function getLastWorkspace(): string | null {
  return read(LAST_WORKSPACE);
}

export function setLastWorkspace(id: string): void {
  write(LAST_WORKSPACE, id);
}

/** Light, dark, or whatever the system prefers (the default). */
export type ThemeChoice = 'light' | 'dark' | 'system';

export function getThemeChoice(): ThemeChoice {
  const v = read(THEME);
  return v === 'light' || v === 'dark' ? v : 'system';
}

export function setThemeChoice(choice: ThemeChoice): void {
  write(THEME, choice === 'system' ? null : choice);
}

/** Only same-app paths are allowed as post-sign-in redirects. */
export function safeRedirect(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : undefined;
}
