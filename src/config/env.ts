/**
 * The only module that reads `process.env`. Everything else receives a typed `Env`.
 * Every variable is documented in README.md ("Configuration").
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { parseEgressAllow } from './egress-allow.js';

const zBoolText = z.enum(['true', 'false', '1', '0', 'yes', 'no']);
const toBool = (v: z.infer<typeof zBoolText>) => v === 'true' || v === '1' || v === 'yes';
const zBool = zBoolText.transform(toBool);

const zEgressAllow = z
  .string()
  .optional()
  .transform((text, ctx) => {
    const r = parseEgressAllow(text ?? '');
    if ('allow' in r) return r.allow;
    ctx.addIssue({
      code: 'custom',
      message: `"${r.bad}" is not a hostname, *.suffix, IP address or CIDR (example: 127.0.0.1,10.1.2.0/24,ollama.internal)`,
    });
    return z.NEVER;
  });

const zEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Public base URL used in printed links (setup, invitations). Defaults to http://localhost:PORT. */
  NYXCORE_PUBLIC_URL: z.string().url().optional(),
  NYXCORE_DATA_DIR: z.string().min(1).default('.nyxcore'),
  /** When set, nyxCore runs in server mode on PostgreSQL instead of the embedded PGlite. */
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NYXCORE_SIGNUP: z.enum(['open', 'invite']).default('invite'),
  NYXCORE_SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24 * 14),
  NYXCORE_SECURE_COOKIES: zBool.optional(),
  NYXCORE_RATE_LIMIT_AUTH_PER_MIN: z.coerce.number().int().min(1).default(20),
  NYXCORE_RATE_LIMIT_API_PER_MIN: z.coerce.number().int().min(1).default(600),
  NYXCORE_RATE_LIMIT_FAILURE_MODE: z.enum(['open', 'closed']).default('open'),
  /** Prefix of this installation's rate-limit keys in a shared Redis; by default a hash of the database (or data dir). */
  NYXCORE_RATE_LIMIT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'Use 1–64 letters, digits, _ . or -' })
    .optional(),
  NYXCORE_TRUST_PROXY: zBoolText.default('false').transform(toBool),
  /** 32 bytes, base64 or hex: encrypts provider keys. Required in server mode; embedded mode generates one. */
  NYXCORE_ENCRYPTION_KEY: z.string().min(1).optional(),
  /** Comma-separated earlier keys, still accepted for decryption until `nyxcore keys rotate`. */
  NYXCORE_ENCRYPTION_KEY_PREVIOUS: z.string().min(1).optional(),
  /** Per-attempt timeout for LLM calls. */
  NYXCORE_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  /** Hosts, IPs and CIDRs outbound requests may reach although the egress policy's defaults deny them. */
  NYXCORE_EGRESS_ALLOW: zEgressAllow,
  /**
   * Directories local-path repositories must lie in (absolute, separated by commas or colons).
   * Server mode refuses local paths while it is unset; embedded mode then allows any absolute path.
   */
  NYXCORE_REPO_ROOTS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      const roots = (text ?? '')
        .split(/[,:]/)
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = roots.find((r) => !path.isAbsolute(r));
      if (bad) {
        ctx.addIssue({ code: 'custom', message: `"${bad}" is not an absolute directory` });
        return z.NEVER;
      }
      return roots.map((r) => path.resolve(r));
    }),
  /** Where git repositories are cloned; default `<data dir>/repos`. */
  NYXCORE_REPOS_DIR: z.string().min(1).optional(),
  /** Where `git` is looked up; the only part of the server's environment git processes get. */
  PATH: z.string().min(1).default('/usr/local/bin:/usr/bin:/bin'),
  /** A CA bundle git uses for https clones (the variable git itself reads), e.g. a corporate proxy's. */
  GIT_SSL_CAINFO: z.string().min(1).optional(),
  /** Time limit of one git clone or fetch. */
  NYXCORE_GIT_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(300_000),
  /** Run jobs (workflow runs) in this process too; `off` leaves them to `nyxcore worker` processes. */
  NYXCORE_WORKER: z.enum(['on', 'off']).default('on'),
  NYXCORE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** A worker holds a run for this long and renews it every third of it; a dead worker's run resumes elsewhere after it lapses. */
  NYXCORE_RUN_LEASE_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  /** Prefix of job queue names (lets separate test servers share one database). */
  NYXCORE_JOBS_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9-]*$/)
    .max(40)
    .default(''),
  /** Tests only: run the suite against this PostgreSQL database as well as PGlite. */
  NYXCORE_TEST_DATABASE_URL: z.string().url().optional(),
});

export type Env = z.infer<typeof zEnv> & { dataDir: string; publicUrl: string; reposDir: string };

export class EnvError extends Error {}

/** Parses an environment (default: process.env) into a typed config; throws naming each bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = zEnv.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  return {
    ...env,
    dataDir: path.resolve(env.NYXCORE_DATA_DIR),
    reposDir: path.resolve(env.NYXCORE_REPOS_DIR ?? path.join(env.NYXCORE_DATA_DIR, 'repos')),
    publicUrl: (env.NYXCORE_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
  };
}

/** The package version; src/config and dist/config are both two levels below package.json. */
export const VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
