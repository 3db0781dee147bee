/**
 * A small syntax colouring for code snippets (JS/TS, Python, Go, Java): keywords, strings,
 * comments and numbers. Pure: the tokens are plain text rendered by React, never HTML.
 */
export type TokenKind = 'keyword' | 'string' | 'comment' | 'number' | 'text';
export interface Token {
  kind: TokenKind;
  text: string;
}

const KEYWORDS: Record<string, readonly string[]> = {
  js: 'async await break case catch class const continue default delete do else export extends false finally for from function if import in instanceof let new null of return static super switch this throw true try typeof undefined var void while yield interface type enum implements private public protected readonly as'.split(
    ' ',
  ),
  py: 'and as assert async await break class continue def del elif else except False finally for from global if import in is lambda None nonlocal not or pass raise return True try while with yield self'.split(
    ' ',
  ),
  go: 'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var nil true false'.split(
    ' ',
  ),
  java: 'abstract boolean break byte case catch char class const continue default do double else enum extends final finally float for if implements import instanceof int interface long new null package private protected public return short static super switch synchronized this throw throws try void volatile while true false var'.split(
    ' ',
  ),
};

export type CodeLanguage = keyof typeof KEYWORDS;

/** The language a path suggests, for colouring; JS/TS by default. */
export function languageOf(path: string): CodeLanguage {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  if (ext === 'py') return 'py';
  if (ext === 'go') return 'go';
  if (ext === 'java' || ext === 'kt') return 'java';
  return 'js';
}

/**
 * Splits one line of code into tokens. `inBlock` says whether the line starts inside a
 * block comment (or a Python triple-quoted string); the returned `inBlock` is the state after it.
 */
export function tokenizeLine(line: string, lang: CodeLanguage, inBlock = false): { tokens: Token[]; inBlock: boolean } {
  const tokens: Token[] = [];
  const push = (kind: TokenKind, text: string) => {
    if (!text) return;
    const last = tokens[tokens.length - 1];
    if (last && last.kind === kind) last.text += text;
    else tokens.push({ kind, text });
  };
  const keywords = new Set(KEYWORDS[lang]);
  const blockEnd = lang === 'py' ? '"""' : '*/';
  let i = 0;
  if (inBlock) {
    const end = line.indexOf(blockEnd);
    if (end < 0) return { tokens: [{ kind: lang === 'py' ? 'string' : 'comment', text: line }], inBlock: true };
    push(lang === 'py' ? 'string' : 'comment', line.slice(0, end + blockEnd.length));
    i = end + blockEnd.length;
  }
  while (i < line.length) {
    const rest = line.slice(i);
    const ch = line[i]!;
    const lineComment = lang === 'py' ? rest.startsWith('#') : rest.startsWith('//');
    if (lineComment) {
      push('comment', rest);
      break;
    }
    if ((lang !== 'py' && rest.startsWith('/*')) || (lang === 'py' && rest.startsWith('"""'))) {
      const end = line.indexOf(blockEnd, i + 2 + (lang === 'py' ? 1 : 0));
      const kind = lang === 'py' ? 'string' : 'comment';
      if (end < 0) {
        push(kind, rest);
        return { tokens, inBlock: true };
      }
      push(kind, line.slice(i, end + blockEnd.length));
      i = end + blockEnd.length;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      while (j < line.length && line[j] !== ch) j += line[j] === '\\' ? 2 : 1;
      push('string', line.slice(i, Math.min(j + 1, line.length)));
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(rest)?.[0];
    if (word) {
      push(keywords.has(word) ? 'keyword' : 'text', word);
      i += word.length;
      continue;
    }
    const num = /^\d[\d_.xXa-fA-F]*/.exec(rest)?.[0];
    if (num) {
      push('number', num);
      i += num.length;
      continue;
    }
    push('text', ch);
    i += 1;
  }
  return { tokens, inBlock: false };
}

/** Tokenizes a whole snippet line by line, carrying block comments over lines. */
export function tokenize(code: string, lang: CodeLanguage): Token[][] {
  let inBlock = false;
  return code.split('\n').map((line) => {
    const r = tokenizeLine(line, lang, inBlock);
    inBlock = r.inBlock;
    return r.tokens;
  });
}
