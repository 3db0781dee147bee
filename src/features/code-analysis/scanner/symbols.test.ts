import { describe, expect, it } from 'vitest';
import { indexFile, type Definition, type FileIndex } from './symbols.js';
import { syntaxFindings } from './syntax-errors.js';
import type { Language, SourceFile } from './types.js';

const source = (path: string, language: Language, text: string): SourceFile => ({ path, language, text, blobSha: '0' });

async function index(path: string, language: Language, text: string): Promise<FileIndex> {
  const result = await indexFile(source(path, language, text));
  if (!result) throw new Error(`no index for ${path}`);
  return result;
}

/** `name kind line exported?` per definition, compact enough to compare as a whole. */
const summary = (defs: Definition[]): string[] =>
  defs.map((d) => `${d.name} ${d.kind} ${d.line}${d.exported ? ' exported' : ''}`);

const refNames = (idx: FileIndex): string[] => [...new Set(idx.references.map((r) => r.name))];

describe('indexFile', () => {
  it('indexes a TypeScript service: definitions with kinds, lines and exports; references; imports', async () => {
    const idx = await index(
      'src/users/service.ts',
      'typescript',
      `import { z } from 'zod';
import type { Database } from '../db/client.js';
import { NyxError } from '../errors.js';

export const MAX_PAGE = 100;
let counter = 0;

export interface UserRow {
  id: string;
  email: string;
}

export type Role = 'owner' | 'member';

export enum Status {
  Active,
  Invited,
}

export class UserService {
  constructor(private readonly db: Database) {}

  async find(id: string): Promise<UserRow> {
    const row = await this.db.query(id);
    if (!row) throw new NyxError('NOT_FOUND', 'no user');
    return normalise(row);
  }

  private audit(): void {
    counter++;
  }
}

function normalise(row: UserRow): UserRow {
  const inner = (s: string) => s.trim();
  return { ...row, email: inner(row.email) };
}

export const toRole = (value: string): Role => (value === 'owner' ? 'owner' : 'member');
export { normalise };
`,
    );
    expect(idx.hasSyntaxError).toBe(false);
    expect(summary(idx.definitions)).toEqual([
      'MAX_PAGE constant 5 exported',
      'counter variable 6',
      'UserRow interface 8 exported',
      'Role type 13 exported',
      'Status enum 15 exported',
      'UserService class 20 exported',
      'constructor method 21 exported',
      'find method 23 exported',
      'audit method 29',
      'normalise function 34 exported',
      'toRole function 39 exported',
    ]);
    const find = idx.definitions.find((d) => d.name === 'find');
    expect(find).toMatchObject({ endLine: 27, signature: 'async find(id: string): Promise<UserRow> {' });
    // `inner` is local to normalise: not part of the file's interface.
    expect(idx.definitions.map((d) => d.name)).not.toContain('inner');
    expect(refNames(idx)).toEqual(expect.arrayContaining(['Database', 'NyxError', 'UserRow', 'normalise', 'query']));
    // A definition's own name is not a reference to it.
    expect(idx.references).not.toContainEqual({ name: 'UserService', line: 20 });
    expect(idx.imports).toEqual(['zod', '../db/client.js', '../errors.js']);
  });

  it('indexes TSX and a .jsx file (JavaScript grammar) with components, CommonJS and dynamic imports', async () => {
    const tsx = await index(
      'web/App.tsx',
      'tsx',
      `import React from 'react';
import { Button } from './Button';

export function App({ title }: { title: string }) {
  return <Button label={title} onClick={() => track('click')} />;
}
`,
    );
    expect(summary(tsx.definitions)).toEqual(['App function 4 exported']);
    expect(refNames(tsx)).toEqual(expect.arrayContaining(['Button', 'track']));
    expect(tsx.imports).toEqual(['react', './Button']);

    const jsx = await index(
      'web/legacy.jsx',
      'tsx',
      `const helpers = require('./helpers');
class Widget extends React.Component {
  handle = () => helpers.log();
  render() {
    return <div onClick={this.handle}>Fish & chips</div>;
  }
}
exports.mount = function (node) {
  return import('./lazy');
};
module.exports.Widget = Widget;
`,
    );
    // A bare "&" in JSX text is valid for TypeScript and Babel, not an error to report.
    expect(jsx.hasSyntaxError).toBe(false);
    expect(summary(jsx.definitions)).toEqual([
      'helpers constant 1',
      'Widget class 2',
      'handle method 3',
      'render method 4',
      'mount function 8 exported',
    ]);
    expect(jsx.imports).toEqual(['./helpers', './lazy']);
  });

  it('indexes Python: functions, methods, classes, module constants, privacy by underscore', async () => {
    const idx = await index(
      'app/client.py',
      'python',
      `import os
import json as j
from .http import request, Timeout as T
from ..util.cache import memo

MAX_RETRIES = 3
_registry = {}


@memo
def fetch(url: str) -> bytes:
    return request(url, timeout=T(5))


class Client(BaseClient):
    def __init__(self, base: str):
        self.base = os.path.join(base, "api")

    def get(self, key):
        def helper():
            return key
        return fetch(self.base + key)

    def _retry(self):
        pass


class _Internal:
    def run(self):
        return Client("x").get("y")
`,
    );
    expect(summary(idx.definitions)).toEqual([
      'MAX_RETRIES constant 6 exported',
      '_registry variable 7',
      'fetch function 11 exported',
      'Client class 15 exported',
      '__init__ method 16',
      'get method 19 exported',
      '_retry method 24',
      '_Internal class 28',
      'run method 29',
    ]);
    expect(idx.definitions.find((d) => d.name === 'fetch')?.signature).toBe('def fetch(url: str) -> bytes:');
    expect(refNames(idx)).toEqual(expect.arrayContaining(['request', 'fetch', 'Client', 'BaseClient', 'memo', 'join']));
    expect(refNames(idx)).not.toContain('self');
    expect(idx.imports).toEqual(['os', 'json', '.http', '..util.cache']);
  });

  it('indexes Go: functions, methods, structs, interfaces, constants; exported by capital letter', async () => {
    const idx = await index(
      'internal/server/server.go',
      'go',
      `package server

import (
	"fmt"
	str "strings"
)

const DefaultPort = 8080

var registry = map[string]Handler{}

type Server struct {
	Name string
}

type Handler interface {
	Serve() error
}

func New(name string) *Server {
	return &Server{Name: str.ToUpper(name)}
}

func (s *Server) Serve() error {
	fmt.Println(s.Name)
	return helper()
}

func helper() error { return nil }
`,
    );
    expect(summary(idx.definitions)).toEqual([
      'DefaultPort constant 8 exported',
      'registry variable 10',
      'Server type 12 exported',
      'Handler interface 16 exported',
      'New function 20 exported',
      'Serve method 24 exported',
      'helper function 29',
    ]);
    expect(idx.definitions.find((d) => d.name === 'Serve')?.signature).toBe('func (s *Server) Serve() error {');
    expect(refNames(idx)).toEqual(expect.arrayContaining(['Server', 'Handler', 'ToUpper', 'Println', 'helper']));
    expect(idx.imports).toEqual(['fmt', 'strings']);
  });

  it('indexes Java: classes, interfaces, enums, methods, constructors, constants; exported when public', async () => {
    const idx = await index(
      'src/main/java/com/acme/UserRepository.java',
      'java',
      `package com.acme;

import java.util.List;
import static java.util.Objects.requireNonNull;

@Repository
public class UserRepository extends BaseRepository implements Store {
    public static final int PAGE_SIZE = 50;
    private final Database db;

    public UserRepository(Database db) {
        this.db = requireNonNull(db);
    }

    @Override
    public List<User> findAll(String query) {
        return db.select(query, PAGE_SIZE);
    }

    void evict() {}

    enum Mode { READ, WRITE }
}
`,
    );
    expect(summary(idx.definitions)).toEqual([
      'UserRepository class 7 exported',
      'PAGE_SIZE constant 8 exported',
      'UserRepository method 11 exported',
      'findAll method 16 exported',
      'evict method 20',
      'Mode enum 22',
    ]);
    // The line of the name, after the annotation.
    expect(idx.definitions.find((d) => d.name === 'findAll')?.signature).toBe(
      'public List<User> findAll(String query) {',
    );
    expect(refNames(idx)).toEqual(
      expect.arrayContaining(['BaseRepository', 'Store', 'Database', 'User', 'select', 'requireNonNull']),
    );
    expect(idx.imports).toEqual(['java.util.List', 'java.util.Objects.requireNonNull']);
  });

  it('flags a file that does not parse, with the error line, and reports it as one note', async () => {
    const idx = await index(
      'src/broken.ts',
      'typescript',
      `export function ok(): number {
  return 1;
}

export function broken(a: string {
  return a;
}
`,
    );
    expect(idx.hasSyntaxError).toBe(true);
    expect(idx.syntaxErrors[0]?.startLine).toBe(5);
    // The definitions before the error are still indexed.
    expect(idx.definitions.map((d) => d.name)).toContain('ok');

    const [finding, ...others] = syntaxFindings(idx);
    expect(others).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'parse/syntax-error', location: { path: 'src/broken.ts', startLine: 5 } });
    expect(finding?.message).toMatch(/^This file does not parse: .+ at line 5, column \d+/);
    // The location covers exactly the matched text, so the snippet can be checked byte for byte.
    const line = 'export function broken(a: string {';
    const { startColumn, endColumn } = finding?.location ?? { startColumn: 0, endColumn: 0 };
    expect(line.slice(startColumn - 1, endColumn - 1)).toBe(finding?.matchedText);

    const valid = await index('src/ok.py', 'python', 'def f():\n    return 1\n');
    expect(valid.hasSyntaxError).toBe(false);
    expect(syntaxFindings(valid)).toEqual([]);
  });

  it('reports syntax errors in the other grammars too (missing tokens included)', async () => {
    const python = await index('a.py', 'python', 'def ok():\n    return 1\n\ndef broken(:\n    pass\n');
    expect(python.syntaxErrors[0]?.startLine).toBe(4);
    const go = await index('a.go', 'go', 'package a\n\nfunc A() {\n\treturn\n');
    expect(go.hasSyntaxError).toBe(true);
    expect(go.syntaxErrors[0]?.message).toMatch(/missing "\}"|unexpected|syntax error/);
    const java = await index('A.java', 'java', 'class A {\n  void f() {\n    int x = ;\n  }\n}\n');
    expect(java.syntaxErrors[0]?.startLine).toBe(3);
  });

  it('gives the same index when files are indexed concurrently', async () => {
    const files = Array.from({ length: 24 }, (_, i) =>
      i % 2
        ? source(`m${i}.py`, 'python', `def f${i}(x):\n    return g${i}(x)\n`)
        : source(`m${i}.ts`, 'typescript', `export function f${i}(x: number) {\n  return g${i}(x);\n}\n`),
    );
    const sequential = [];
    for (const f of files) sequential.push(await indexFile(f));
    expect(await Promise.all(files.map(indexFile))).toEqual(sequential);
  });
});

describe('indexing speed', () => {
  it('indexes 1,000 small files (time printed, not asserted)', async () => {
    const files = Array.from({ length: 1000 }, (_, i) =>
      source(
        `src/m${i}.ts`,
        'typescript',
        `import { helper${i % 10} } from './h${i % 10}.js';

export interface Item${i} {
  id: string;
  value: number;
}

export function process${i}(items: Item${i}[]): number {
  let total = 0;
  for (const item of items) {
    total += helper${i % 10}(item.value);
  }
  return total;
}

export class Store${i} {
  private items: Item${i}[] = [];
  add(item: Item${i}): void {
    this.items.push(item);
  }
  sum(): number {
    return process${i}(this.items);
  }
}
`,
      ),
    );
    const indexStart = performance.now();
    const indexes = [];
    for (const f of files) indexes.push(await indexFile(f));
    const indexMs = performance.now() - indexStart;
    console.log(
      `index of 1,000 files (25 lines each): ${indexMs.toFixed(0)} ms (${(indexMs / 1000).toFixed(2)} ms per file)`,
    );
    expect(indexes.every((i) => i?.definitions.length === 5)).toBe(true);
  });
});
