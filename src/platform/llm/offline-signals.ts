/**
 * What the offline model can notice in material without understanding it: lines that match
 * well-known risky configuration and code shapes (a bucket open to everyone, 0.0.0.0/0,
 * `Action: "*"`, privileged containers, secrets in plain text, …), and the sections an
 * instruction asks the answer to have. Deterministic pattern matching, so every finding
 * points at a line of the user's own material.
 */

export interface Signal {
  /** Short finding title. */
  title: string;
  suggestion: string;
  severity: 'blocker' | 'high' | 'medium' | 'low';
  category: string;
  pattern: RegExp;
}

const signals: Signal[] = [
  {
    title: 'Reachable from the whole internet (0.0.0.0/0)',
    suggestion: 'Restrict the source range to the addresses that need access.',
    severity: 'high',
    category: 'security',
    pattern: /0\.0\.0\.0\/0|::\/0/,
  },
  {
    title: 'Storage is publicly readable',
    suggestion: 'Make the bucket private; serve files through signed URLs or an authenticated CDN.',
    severity: 'high',
    category: 'security',
    pattern: /public-read|acl\s*[:=]\s*["']?public|allUsers|block_?public_?(acls|policy)\s*[:=]\s*false/i,
  },
  {
    title: 'Policy allows every action',
    suggestion: 'Grant only the actions and resources the role needs (least privilege).',
    severity: 'high',
    category: 'security',
    pattern: /["']?actions?["']?\s*[:=]\s*\[?\s*["']\*["']|["']?actions?["']?\s*[:=]\s*\*\s*$/im,
  },
  {
    title: 'Container runs privileged',
    suggestion: 'Turn privileged mode off and add only the capabilities the workload needs.',
    severity: 'high',
    category: 'security',
    pattern: /privileged\s*[:=]\s*true|--privileged\b/i,
  },
  {
    title: 'Secret in plain text',
    suggestion: 'Move it to a secret store or environment variable, and rotate it.',
    severity: 'high',
    category: 'security',
    // A literal value, not a reference such as ${VAR}, $(…), {{…}} or an env lookup.
    pattern:
      /(password|passwd|secret|api[_-]?key|access[_-]?key|token)["']?\s*[:=]\s*["']?(?![$<{(]|env\b|process\.env|\d+\b)[^\s"',;]{4,}/i,
  },
  {
    title: 'TLS verification is turned off',
    suggestion: 'Verify certificates; install the right CA instead of disabling the check.',
    severity: 'high',
    category: 'security',
    pattern:
      /insecureSkipVerify\s*[:=]\s*true|rejectUnauthorized\s*[:=]\s*false|verify\s*=\s*False|sslmode\s*=\s*disable|--insecure\b/i,
  },
  {
    title: 'Runs as root',
    suggestion: 'Run as an unprivileged user (runAsNonRoot, a USER line in the image).',
    severity: 'medium',
    category: 'security',
    pattern: /runAsUser\s*:\s*0\b|runAsNonRoot\s*:\s*false|^\s*USER\s+root\b/im,
  },
  {
    title: 'Any origin may call it (CORS *)',
    suggestion: 'List the origins that need access instead of *.',
    severity: 'medium',
    category: 'security',
    pattern: /Access-Control-Allow-Origin\s*:\s*\*|cors[^\n]{0,40}["']\*["']/i,
  },
  {
    title: 'World-writable permissions',
    suggestion: 'Give files and directories only the permissions their owner needs.',
    severity: 'medium',
    category: 'security',
    pattern: /chmod\s+(-R\s+)?777|mode\s*[:=]\s*["']?0?777/i,
  },
  {
    title: 'SQL built from strings (injection risk)',
    suggestion: 'Use parameterised queries or the query builder; never concatenate input into SQL.',
    severity: 'high',
    category: 'security',
    pattern:
      /\b(sql|quer(y|ies))\b[^\n]{0,80}\b(concatenat\w*|string[- ](building|interpolation|formatting))|\b(select|insert|update|delete)\b[^\n]*\b(from|into|set|where)\b[^\n]*(["'`]\s*\+|\+\s*["'`]|\$\{)/i,
  },
  {
    title: 'HTML built from request input (XSS risk)',
    suggestion:
      'Escape output, or render with a template engine that escapes by default; never concatenate input into HTML.',
    severity: 'high',
    category: 'security',
    pattern:
      /\.(send|write|end)\s*\([^\n]*<[a-z][^\n]*\+\s*(req|request)\.|\.(send|write|end)\s*\([^\n]*(req|request)\.[^\n]*\+\s*["'`]<\/?[a-z]/i,
  },
  {
    title: 'Code built from strings at run time',
    suggestion: 'Avoid eval/exec and raw HTML from input; use parameters and text nodes.',
    severity: 'medium',
    category: 'security',
    pattern: /\beval\s*\(|\bexec(Sync)?\s*\(\s*[`'"][^`'"]*\$\{|\.innerHTML\s*=/,
  },
  {
    title: 'Weak hash algorithm',
    suggestion: 'Use SHA-256 or better for integrity, and argon2id or bcrypt for passwords.',
    severity: 'medium',
    category: 'security',
    pattern: /\b(md5|sha1)\b/i,
  },
  {
    title: 'Debug mode enabled',
    suggestion: 'Turn debug off outside development; it can leak internals.',
    severity: 'low',
    category: 'security',
    pattern: /\bdebug\s*[:=]\s*(true|1|on)\b/i,
  },
];

export interface Flagged {
  line: string;
  signal: Signal;
}

/** The lines of `material` that match a known risky shape, each once, in order. */
export function flaggedLines(material: string): Flagged[] {
  const out: Flagged[] = [];
  const seen = new Set<string>();
  for (const raw of material.split('\n')) {
    // A line this model flagged in an earlier step ("**Title:** `line`") is judged as the line it quotes.
    const line = raw
      .trim()
      .replace(/^(?:[-*+]|\d+[.)])\s+/, '')
      .replace(/^\*\*[^*\n]+:\*\*\s*`(.*)`$/, '$1');
    if (!line || seen.has(line)) continue;
    const signal = signals.find((s) => s.pattern.test(line));
    if (signal) {
      seen.add(line);
      out.push({ line: line.length > 240 ? `${line.slice(0, 239)}…` : line, signal });
    }
  }
  return out;
}

/**
 * Sections an instruction asks for: Markdown headings on their own line (`## Findings`) or
 * quoted (`"## Agreed"`), in order, without placeholders such as `## <project name>`.
 */
export function requestedSections(instructions: string): string[] {
  const found: string[] = [];
  const add = (h: string) => {
    const title = h.replace(/[*_`]/g, '').replace(/[:.]$/, '').trim();
    if (title && !/[<>{}]/.test(title) && title.length <= 60 && !found.includes(title)) found.push(title);
  };
  for (const m of instructions.matchAll(/^\s*#{2,3}\s+(.+?)\s*$/gm)) add(m[1] ?? '');
  for (const m of instructions.matchAll(/["“]#{2,3}\s+([^"”\n]+)["”]/g)) add(m[1] ?? '');
  return found.slice(0, 8);
}

/** Headings under which flagged lines belong (a "Findings" or "Risks" section, say). */
export const isFindingsHeading = (h: string) =>
  /finding|risk|issue|vulnerab|problem|concern|weakness|threat|gap|fix now|immediate|urgent|critical/i.test(h);
