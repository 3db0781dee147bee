#!/usr/bin/env bash
# The README's test command (`npm test`): types, lint, unit + integration tests on PGlite
# (and on PostgreSQL too when NYXCORE_TEST_DATABASE_URL is set), then browser tests in
# the system Chromium against a fresh build of the web app.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x /usr/bin/chromium ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    bash scripts/setup-system.sh chromium
  else
    echo "The browser tests need Debian's Chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

if [[ -n "${NYXCORE_TEST_DATABASE_URL:-}" ]]; then
  echo "== Suites run on PGlite and on PostgreSQL (${NYXCORE_TEST_DATABASE_URL%%@*}@…)"
else
  echo "== Suites run on PGlite only (set NYXCORE_TEST_DATABASE_URL to add PostgreSQL)"
fi

echo "== typecheck"; npm run --silent typecheck
echo "== lint"; npm run --silent lint
echo "== format"; npm run --silent format:check
echo "== build web"; npm run --silent build:web >/dev/null

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
echo "== unit + integration"
npx vitest run --reporter=default --reporter=json --outputFile="$results/unit.json" || status=$?
echo "== browser (e2e)"
npx vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json --outputFile="$results/e2e.json" || status=$?

# One plain closing line over both runs.
node -e '
  const fs = require("fs"); let p = 0, f = 0, s = 0;
  for (const file of process.argv.slice(1)) {
    if (!fs.existsSync(file)) { f += 1; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    p += r.numPassedTests; f += r.numFailedTests; s += r.numPendingTests + (r.numTodoTests || 0);
  }
  console.log(`${p} passed, ${f} failed` + (s ? `, ${s} skipped` : ""));
' "$results/unit.json" "$results/e2e.json"
exit $status
