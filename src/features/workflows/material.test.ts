/**
 * Splitting pasted material into the files it contains: the analyzers see each file with its
 * own line numbers, and prose is never mistaken for code.
 */
import { describe, expect, it } from 'vitest';
import { guessFileName, splitMaterial } from './material.js';

describe('splitMaterial', () => {
  it('takes names from fence info strings, from a header above a fence, and guesses unnamed fences', () => {
    const input = [
      'Our stack:', // 1
      '```hcl main.tf', // 2
      'resource "aws_s3_bucket" "a" {', // 3
      '}', // 4
      '```', // 5
      '```ts title="src/app.ts"', // 6
      'const a: string = "x";', // 7
      '```', // 8
      'File: server.js', // 9
      '```js', // 10
      "const { exec } = require('child_process');", // 11
      '```', // 12
      '```', // 13
      'FROM node:20', // 14
      'RUN npm ci', // 15
      '```', // 16
      '```text', // 17
      'Just some words about the rollout plan.', // 18
      '```', // 19
    ].join('\n');
    expect(splitMaterial(input).map((f) => [f.path, f.startLine, f.text.split('\n')[0]])).toEqual([
      ['main.tf', 3, 'resource "aws_s3_bucket" "a" {'],
      ['src/app.ts', 7, 'const a: string = "x";'],
      ['server.js', 11, "const { exec } = require('child_process');"],
      ['Dockerfile', 14, 'FROM node:20'],
    ]);
  });

  it('splits on "# path", "// path" and "File: path" headers without fences', () => {
    const input = [
      '# main.tf',
      'resource "aws_security_group_rule" "ssh" {',
      '  cidr_blocks = ["0.0.0.0/0"]',
      '}',
      '// src/handler.js',
      'exec("ls " + input);',
      'File: ci.yml',
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
    ].join('\n');
    const files = splitMaterial(input);
    expect(files.map((f) => [f.path, f.startLine])).toEqual([
      ['main.tf', 2],
      ['src/handler.js', 6],
      // A pasted workflow file is analysed as one: GitHub Actions rules apply to .github/workflows.
      ['.github/workflows/ci.yml', 8],
    ]);
    expect(files[0]!.text.split('\n')[1]).toBe('  cidr_blocks = ["0.0.0.0/0"]');
  });

  it('detects the language of a single unnamed snippet, and leaves prose alone', () => {
    expect(guessFileName('resource "aws_instance" "web" {\n  ami = "x"\n}')).toBe('main.tf');
    expect(guessFileName('apiVersion: v1\nkind: Pod\nmetadata:\n  name: x')).toBe('manifest.yaml');
    expect(guessFileName('FROM alpine:3.19\nRUN apk add curl')).toBe('Dockerfile');
    expect(guessFileName('on:\n  push:\njobs:\n  a:\n    runs-on: x')).toBe('.github/workflows/ci.yml');
    expect(guessFileName('package main\n\nfunc main() {}')).toBe('main.go');
    expect(guessFileName('public class App {\n  public static void main(String[] a) {}\n}')).toBe('Main.java');
    expect(guessFileName('import os\n\ndef run(cmd):\n    os.system(cmd)')).toBe('main.py');
    expect(guessFileName('function handler(req) { return eval(req.body); }')).toBe('main.js');
    expect(guessFileName('interface User { name: string }\nconst u: User = { name: "a" };')).toBe('main.ts');
    const prose =
      'The payments service stores card tokens in PostgreSQL. Let me know if the import from the old system is done. We deploy on Fridays.';
    expect(guessFileName(prose)).toBeNull();
    expect(splitMaterial(prose)).toEqual([]);
    const snippet = splitMaterial('\n\nconst x = 1;\neval(x);\n');
    expect(snippet.map((f) => [f.path, f.startLine])).toEqual([['main.js', 3]]);
  });
});
