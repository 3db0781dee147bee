/** Provider connections (BYOK): stored encrypted, shown as the last four characters only. */
import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { providerKeys } from '../../platform/db/schema/index.js';
import type { Egress } from '../../platform/egress/egress.js';
import { NyxError, notFound } from '../../platform/errors.js';
import { defaultModels } from '../../platform/llm/catalog.js';
import { keyContext } from '../../platform/llm/service.js';
import type { Vault } from '../../platform/llm/vault.js';
import { recordAudit } from '../audit/index.js';
import type { AddProviderKeyInput } from './schema.js';
import type { Access as CallerAccess } from '../../platform/access/tenant-access.js';

type Access = Pick<CallerAccess, 'tx' | 'tenantId' | 'userId' | 'ip'>;

export interface ProviderKeyView {
  id: string;
  name: string;
  kind: string;
  baseUrl: string | null;
  defaultModel: string;
  /** "…abcd", or null for keyless endpoints. Never more. */
  keyHint: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  lastError: string | null;
}

const toView = (r: typeof providerKeys.$inferSelect): ProviderKeyView => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  baseUrl: r.baseUrl,
  defaultModel: r.defaultModel,
  keyHint: r.last4 ? `…${r.last4}` : null,
  createdAt: r.createdAt,
  lastUsedAt: r.lastUsedAt,
  lastError: r.lastError,
});

interface KeyDeps {
  vault: Vault;
  egress: Pick<Egress, 'checkUrl'>;
}

/**
 * Refuses, as a field error, a base URL the egress policy would refuse at call time, so an
 * admin learns it while typing it and not from a failing workflow.
 */
export async function checkBaseUrl(egress: KeyDeps['egress'], baseUrl: string | undefined): Promise<void> {
  if (!baseUrl) return;
  try {
    await egress.checkUrl(baseUrl);
  } catch (err) {
    if (!(err instanceof NyxError) || err.code !== 'BAD_INPUT') throw err;
    throw new NyxError('BAD_INPUT', err.userMessage, { cause: err, fieldErrors: { baseUrl: [err.userMessage] } });
  }
}

/** Checks the base URL (a DNS lookup), then stores the key. */
export async function addProviderKey(
  access: Access,
  deps: KeyDeps,
  input: AddProviderKeyInput,
): Promise<ProviderKeyView> {
  await checkBaseUrl(deps.egress, input.baseUrl);
  return insertProviderKey(access, deps.vault, input);
}

/** Stores a key whose base URL `checkBaseUrl` already accepted (the request path checks outside its transaction). */
export async function insertProviderKey(
  access: Access,
  vault: Vault,
  input: AddProviderKeyInput,
): Promise<ProviderKeyView> {
  const [clash] = await access.tx
    .select({ id: providerKeys.id })
    .from(providerKeys)
    .where(eq(providerKeys.name, input.name));
  if (clash)
    throw new NyxError('CONFLICT', `A provider named "${input.name}" already exists`, {
      fieldErrors: { name: ['Already used in this workspace'] },
    });
  const id = randomUUID();
  const defaultModel = input.defaultModel ?? (input.kind === 'openai-compatible' ? '' : defaultModels[input.kind]);
  const [row] = await access.tx
    .insert(providerKeys)
    .values({
      id,
      tenantId: access.tenantId,
      name: input.name,
      kind: input.kind,
      baseUrl: input.baseUrl ?? null,
      defaultModel,
      secret: input.apiKey ? vault.encrypt(input.apiKey, keyContext(access.tenantId, id)) : null,
      last4: input.apiKey ? input.apiKey.slice(-4) : null,
      createdBy: access.userId,
    })
    .returning();
  if (!row) throw new NyxError('INTERNAL', 'provider key insert returned nothing');
  await recordAudit(access, 'llm.key_added', { type: 'provider_key', id }, { name: row.name, kind: row.kind });
  return toView(row);
}

export async function listProviderKeys(access: Pick<Access, 'tx'>): Promise<ProviderKeyView[]> {
  return (await access.tx.select().from(providerKeys).orderBy(asc(providerKeys.createdAt))).map(toView);
}

export async function getProviderKey(access: Pick<Access, 'tx'>, id: string): Promise<ProviderKeyView> {
  const [row] = await access.tx.select().from(providerKeys).where(eq(providerKeys.id, id));
  if (!row) throw notFound('Provider');
  return toView(row);
}

export async function removeProviderKey(access: Access, id: string): Promise<{ id: string }> {
  const [row] = await access.tx.delete(providerKeys).where(eq(providerKeys.id, id)).returning();
  if (!row) throw notFound('Provider');
  await recordAudit(access, 'llm.key_removed', { type: 'provider_key', id }, { name: row.name, kind: row.kind });
  return { id };
}
