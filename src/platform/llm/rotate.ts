import type { Database } from '../db/client.js';
import { keyContext } from './service.js';
import type { Vault } from './vault.js';

/**
 * Re-encrypts every stored provider key with the vault's current key (`nyxcore keys
 * rotate`). An operator command across all workspaces: it runs as the migration owner,
 * which must bypass RLS (superuser or BYPASSRLS). Each row is decrypted with whichever
 * known key sealed it and written back; a row no known key opens is reported, not lost.
 */
export async function rotateSecrets(
  database: Database,
  vault: Vault,
): Promise<{ total: number; rotated: number; failed: { id: string; reason: string }[] }> {
  const rows = await database.raw<{ id: string; tenant_id: string; secret: string }>(
    'select id, tenant_id, secret from provider_keys where secret is not null',
    [],
  );
  let rotated = 0;
  const failed: { id: string; reason: string }[] = [];
  for (const r of rows) {
    if (vault.keyIdOf(r.secret) === vault.keyId) continue;
    try {
      const context = keyContext(r.tenant_id, r.id);
      const next = vault.encrypt(vault.decrypt(r.secret, context), context);
      await database.raw('update provider_keys set secret = $1 where id = $2 and secret = $3', [next, r.id, r.secret]);
      rotated++;
    } catch (err) {
      failed.push({ id: r.id, reason: (err as Error).message });
    }
  }
  return { total: rows.length, rotated, failed };
}
