import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadEnv } from '../../config/env.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProviderKey } from '../../features/llm/keys.js';
import { openTestDatabase } from '../../testing/harness.js';
import type { Database } from '../db/client.js';
import { tenants } from '../db/schema/index.js';
import { withTenant } from '../db/tenant.js';
import { createEgress } from '../egress/egress.js';
import { createLogger } from '../logger.js';
import { rotateSecrets } from './rotate.js';
import { keyContext } from './service.js';
import { createVault, loadVault, parseKey } from './vault.js';

describe('vault', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('encrypts with a fresh IV every time and decrypts back', () => {
    const v = createVault(k1);
    const a = v.encrypt('sk-secret-value', 'ctx');
    const b = v.encrypt('sk-secret-value', 'ctx');
    expect(a).not.toBe(b);
    expect(a).not.toContain('sk-secret');
    expect(a.startsWith(`nyx1.${v.keyId}.`)).toBe(true);
    expect(v.decrypt(a, 'ctx')).toBe('sk-secret-value');
    expect(v.decrypt(b, 'ctx')).toBe('sk-secret-value');
  });

  it('detects tampering and refuses an envelope moved to another row', () => {
    const v = createVault(k1);
    const env = v.encrypt('sk-secret-value', 'tenant-a/key-1');
    const parts = env.split('.');
    const ct = Buffer.from(parts[4] ?? '', 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 1;
    const tampered = [...parts.slice(0, 4), ct.toString('base64url')].join('.');
    expect(() => v.decrypt(tampered, 'tenant-a/key-1')).toThrow(/integrity check/);
    expect(() => v.decrypt(env, 'tenant-b/key-1')).toThrow(/integrity check/);
  });

  it('a server with the wrong key says which key it needs', () => {
    const env = createVault(k1).encrypt('x', 'ctx');
    expect(() => createVault(k2).decrypt(env, 'ctx')).toThrow(
      new RegExp(`encrypted with key ${createVault(k1).keyId}.*NYXCORE_ENCRYPTION_KEY_PREVIOUS`),
    );
  });

  it('accepts keys as base64 or hex and rejects anything that is not 32 bytes', () => {
    expect(parseKey(k1.toString('base64'), 'K').equals(k1)).toBe(true);
    expect(parseKey(k1.toString('hex'), 'K').equals(k1)).toBe(true);
    expect(() => parseKey('too-short', 'NYXCORE_ENCRYPTION_KEY')).toThrow(
      /NYXCORE_ENCRYPTION_KEY must be 32 random bytes/,
    );
  });

  it('server mode refuses to start without NYXCORE_ENCRYPTION_KEY; embedded mode creates one', () => {
    expect(() => loadVault(loadEnv({ DATABASE_URL: 'postgres://x@127.0.0.1/db' }))).toThrow(
      /Server mode needs NYXCORE_ENCRYPTION_KEY/,
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nyx-vault-'));
    try {
      const v1 = loadVault(loadEnv({ NYXCORE_DATA_DIR: dir }));
      const v2 = loadVault(loadEnv({ NYXCORE_DATA_DIR: dir }));
      expect(v2.keyId).toBe(v1.keyId);
      expect((fs.statSync(path.join(dir, 'encryption.key')).mode & 0o777).toString(8)).toBe('600');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('rotation', () => {
    let database: Database;
    beforeAll(async () => {
      database = await openTestDatabase('pglite');
    });
    afterAll(() => database.close());

    it('re-encrypts every secret with the new key and keeps them all readable', async () => {
      const old = createVault(k1);
      const keyDeps = { vault: old, egress: createEgress(loadEnv({ NODE_ENV: 'test' }), createLogger('silent')) };
      const ids: { tenantId: string; id: string; secret: string }[] = [];
      for (let t = 0; t < 3; t++) {
        const tenantId = randomUUID();
        await withTenant(database, { tenantId, userId: null }, async (tx) => {
          await tx.insert(tenants).values({ id: tenantId, name: `rot ${t}` });
          for (const name of ['openai', 'anthropic']) {
            const secret = `sk-${name}-${t}-${randomUUID()}`;
            const view = await addProviderKey({ tx, tenantId, userId: null, ip: null }, keyDeps, {
              name,
              kind: name as 'openai',
              apiKey: secret,
            });
            ids.push({ tenantId, id: view.id, secret });
          }
        });
      }
      const next = createVault(k2, [k1]);
      const result = await rotateSecrets(database, next);
      expect(result.failed).toEqual([]);
      expect(result.rotated).toBeGreaterThanOrEqual(6);
      const rows = await database.raw<{ id: string; secret: string }>('select id, secret from provider_keys', []);
      const byId = new Map(rows.map((r) => [r.id, r.secret]));
      const onlyNew = createVault(k2);
      for (const x of ids) {
        const env = byId.get(x.id) ?? '';
        expect(onlyNew.keyIdOf(env)).toBe(onlyNew.keyId);
        expect(onlyNew.decrypt(env, keyContext(x.tenantId, x.id))).toBe(x.secret);
      }
      expect((await rotateSecrets(database, next)).rotated).toBe(0);
    });
  });
});
