import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileAnalyzer, RawFinding, SourceFile } from './types.js';

/**
 * Analyzer results cached per (analyzer, version, ruleset hash, blob SHA, path): a re-scan
 * after one changed file costs about that file. The path is part of the key because results
 * carry locations and analyzers may weigh a path (a test fixture is not production code).
 */
export interface ResultCache {
  get(key: string): Promise<RawFinding[] | undefined>;
  set(key: string, findings: RawFinding[]): Promise<void>;
}

export function cacheKey(
  analyzer: Pick<FileAnalyzer, 'tool' | 'version' | 'rulesetHash'>,
  file: Pick<SourceFile, 'blobSha' | 'path'>,
): string {
  return `${analyzer.tool}@${analyzer.version}#${analyzer.rulesetHash}:${file.blobSha}:${file.path}`;
}

export class MemoryResultCache implements ResultCache {
  readonly entries = new Map<string, RawFinding[]>();
  get(key: string): Promise<RawFinding[] | undefined> {
    return Promise.resolve(this.entries.get(key));
  }
  set(key: string, findings: RawFinding[]): Promise<void> {
    this.entries.set(key, findings);
    return Promise.resolve();
  }
}

/** A cache in one JSON file (the CLI's `--cache`): loaded once, written atomically by `save()`, keeping only entries used by the last scan. */
export class JsonFileResultCache extends MemoryResultCache {
  private readonly used = new Set<string>();
  private constructor(private readonly file: string) {
    super();
  }

  static async open(file: string): Promise<JsonFileResultCache> {
    const cache = new JsonFileResultCache(file);
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as {
        version?: number;
        entries?: Record<string, RawFinding[]>;
      };
      if (parsed.version === 1 && parsed.entries) {
        for (const [key, value] of Object.entries(parsed.entries)) cache.entries.set(key, value);
      }
    } catch {
      // No cache yet, or an unreadable one: start empty (a cache is never a source of truth).
    }
    return cache;
  }

  override get(key: string): Promise<RawFinding[] | undefined> {
    this.used.add(key);
    return super.get(key);
  }

  override set(key: string, findings: RawFinding[]): Promise<void> {
    this.used.add(key);
    return super.set(key, findings);
  }

  async save(): Promise<void> {
    const entries: Record<string, RawFinding[]> = {};
    for (const key of this.used) {
      const value = this.entries.get(key);
      if (value) entries[key] = value;
    }
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ version: 1, entries }));
    await rename(temp, this.file);
  }
}
