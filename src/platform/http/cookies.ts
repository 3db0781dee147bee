import type { Env } from '../../config/env.js';

/** Both cookies are SameSite=Strict: never sent on a request another site starts (CSRF is also double-submit). */
export const SESSION_COOKIE = 'nyx_session';
/** Readable by the page (not httpOnly) so it can echo it in `x-csrf-token`; useless to another origin. */
export const CSRF_COOKIE = 'nyx_csrf';

function isSecure(env: Env): boolean {
  return env.NYXCORE_SECURE_COOKIES ?? env.publicUrl.startsWith('https://');
}

function cookie(name: string, value: string, opts: { httpOnly: boolean; expires: Date; secure: boolean }): string {
  const parts = [`${name}=${value}`, 'Path=/', 'SameSite=Strict', `Expires=${opts.expires.toUTCString()}`];
  if (opts.httpOnly) parts.push('HttpOnly');
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}

export function sessionCookies(env: Env, s: { sessionToken: string; csrfToken: string; expiresAt: Date }): string[] {
  const secure = isSecure(env);
  return [
    cookie(SESSION_COOKIE, s.sessionToken, { httpOnly: true, expires: s.expiresAt, secure }),
    cookie(CSRF_COOKIE, s.csrfToken, { httpOnly: false, expires: s.expiresAt, secure }),
  ];
}

export function clearedCookies(env: Env): string[] {
  const secure = isSecure(env);
  const past = new Date(0);
  return [
    cookie(SESSION_COOKIE, '', { httpOnly: true, expires: past, secure }),
    cookie(CSRF_COOKIE, '', { httpOnly: false, expires: past, secure }),
  ];
}

export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim() || null;
  }
  return null;
}
