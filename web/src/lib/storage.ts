/** Remembers the last workspace the user opened. */
const KEY = 'nyxcore:lastWorkspace';

export function getLastWorkspace(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setLastWorkspace(id: string): void {
  try {
    localStorage.setItem(KEY, id);
  } catch {
    // storage unavailable (private mode): nothing to remember
  }
}

/** Only same-app paths are allowed as post-sign-in redirects. */
export function safeRedirect(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : undefined;
}
