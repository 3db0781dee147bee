/**
 * Secret storage for provider keys: AES-256-GCM, a random 96-bit IV per write, and the
 * key id in every envelope so keys can rotate. The envelope is bound to where it lives
 * (tenant + provider name, as AAD): a ciphertext copied to another workspace's row does
 * not decrypt.
 *
 *   nyx1.<keyId>.<iv>.<tag>.<ciphertext>      (base64url parts)
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Env } from '../../config/env.js';
import { NyxError } from '../errors.js';

const VERSION = 'nyx1';

export interface Vault {
  /** Id of the key new secrets are encrypted with. */
  readonly keyId: string;
  readonly knownKeyIds: readonly string[];
  encrypt(plaintext: string, context: string): string;
  decrypt(envelope: string, context: string): string;
  keyIdOf(envelope: string): string;
}

export function keyIdFor(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** Parses a 32-byte key given as base64/base64url (43–44 chars) or hex (64 chars). */
export function parseKey(text: string, name: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) {
    throw new NyxError(
      'BAD_INPUT',
      `${name} must be 32 random bytes, base64 or hex (generate one with: openssl rand -base64 32)`,
    );
  }
  return key;
}

export function createVault(current: Buffer, previous: Buffer[] = []): Vault {
  const keys = new Map<string, Buffer>();
  for (const k of [current, ...previous]) keys.set(keyIdFor(k), k);
  const keyId = keyIdFor(current);
  const parse = (envelope: string) => {
    const parts = envelope.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION)
      throw new NyxError('INTERNAL', 'Stored secret is not a nyxCore vault envelope');
    const [, id, iv, tag, ct] = parts as [string, string, string, string, string];
    return {
      id,
      iv: Buffer.from(iv, 'base64url'),
      tag: Buffer.from(tag, 'base64url'),
      ct: Buffer.from(ct, 'base64url'),
    };
  };
  return {
    keyId,
    knownKeyIds: [...keys.keys()],
    encrypt(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        VERSION,
        keyId,
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        ct.toString('base64url'),
      ].join('.');
    },
    decrypt(envelope, context) {
      const e = parse(envelope);
      const key = keys.get(e.id);
      if (!key) {
        throw new NyxError(
          'INTERNAL',
          `Secret was encrypted with key ${e.id}, which this server does not have (it has ${[...keys.keys()].join(', ')}). Set NYXCORE_ENCRYPTION_KEY_PREVIOUS to the old key.`,
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, e.iv);
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(e.tag);
        return Buffer.concat([decipher.update(e.ct), decipher.final()]).toString('utf8');
      } catch {
        throw new NyxError(
          'INTERNAL',
          'Stored secret failed its integrity check (tampered, or moved from another row)',
        );
      }
    },
    keyIdOf: (envelope) => parse(envelope).id,
  };
}

/**
 * The server's vault. Server mode requires NYXCORE_ENCRYPTION_KEY; embedded mode creates
 * `<data dir>/encryption.key` (mode 0600) on first use so nothing needs configuring.
 */
export function loadVault(env: Env): Vault {
  const previous = (env.NYXCORE_ENCRYPTION_KEY_PREVIOUS ?? '')
    .split(',')
    .filter((s) => s.trim())
    .map((s, i) => parseKey(s, `NYXCORE_ENCRYPTION_KEY_PREVIOUS[${i}]`));
  if (env.NYXCORE_ENCRYPTION_KEY)
    return createVault(parseKey(env.NYXCORE_ENCRYPTION_KEY, 'NYXCORE_ENCRYPTION_KEY'), previous);
  if (env.DATABASE_URL) {
    throw new NyxError(
      'BAD_INPUT',
      'Server mode needs NYXCORE_ENCRYPTION_KEY (32 random bytes, e.g. `openssl rand -base64 32`) to protect provider keys',
    );
  }
  const file = path.join(env.dataDir, 'encryption.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(env.dataDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  return createVault(parseKey(fs.readFileSync(file, 'utf8'), file), previous);
}
