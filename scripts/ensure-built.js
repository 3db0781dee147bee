// `npm install` (prepare) and `npm start` (prestart) run this: build the server and the web
// app when their sources are newer than the build (or there is no build yet), so a fresh
// clone's first start is already built and answers within seconds.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const newest = (dir) => {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
};
const mtime = (p) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0);

// An install without dev dependencies has no compilers: it runs a build shipped with it (or tsx).
if (
  !fs.existsSync(path.join(root, 'node_modules/.bin/tsc')) ||
  !fs.existsSync(path.join(root, 'node_modules/.bin/vite'))
) {
  console.log('nyxCore: the build tools are not installed (dev dependencies); skipping the build.');
  process.exit(0);
}

const targets = [
  {
    name: 'server',
    built: path.join(root, 'dist/cli/main.js'),
    sources: [path.join(root, 'src'), path.join(root, 'drizzle')],
    script: 'build:server',
  },
  {
    name: 'web app',
    built: path.join(root, 'web/dist/index.html'),
    sources: [path.join(root, 'web')],
    script: 'build:web',
  },
];
for (const t of targets) {
  const src = Math.max(...t.sources.map((s) => (fs.existsSync(s) ? newest(s) : 0)));
  if (mtime(t.built) < src) {
    console.log(`Building the ${t.name}…`);
    execSync(`npm run --silent ${t.script}`, { cwd: root, stdio: 'inherit' });
  }
}
