/**
 * Embedded mode has one writer: PGlite is one process's database, and a second process on
 * the same data directory silently loses writes (seen: a CLI-created token that never
 * appeared, then 31 audit rows gone and two rows with one id). Every process that opens the
 * data directory (the server and every CLI command) holds this lock for as long as it has
 * the database open.
 *
 * The lock itself is an OS resource, not a file: on Linux an abstract-namespace Unix socket
 * named after the directory, which only one process can listen on and which the kernel
 * frees the moment that process dies (no stale lock after kill -9). A pid file beside it
 * only says who holds it. Elsewhere the pid file, created exclusively, is the lock.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number | null,
  ) {
    super(
      `Another nyxCore process${pid ? ` (pid ${pid})` : ''} is using ${dataDir}. Embedded mode allows one process at a time, ` +
        'so this command would lose writes. Stop that process first (Ctrl-C where `npm start` runs), then run this again; ' +
        'or set NYXCORE_DATA_DIR to another directory.',
    );
    this.name = 'DataDirLockedError';
  }
}

const readPid = (file: string): number | null => {
  const n = Number(fs.readFileSync(file, { encoding: 'utf8', flag: 'a+' }).trim());
  return Number.isInteger(n) && n > 0 ? n : null;
};

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return pid !== process.pid;
  } catch {
    return false;
  }
}

function listenAbstract(name: string): Promise<net.Server | null> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(null) : reject(err)));
    server.listen(name, () => resolve(server));
  });
}

/** Takes the data directory's lock or throws DataDirLockedError naming the holder; returns the release. */
export async function lockDataDir(dataDir: string): Promise<() => void> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const real = fs.realpathSync(dataDir);
  const pidFile = path.join(real, 'nyxcore.pid');
  if (process.platform === 'linux') {
    const name = `\0nyxcore-data-dir-${createHash('sha256').update(real).digest('hex').slice(0, 40)}`;
    const server = await listenAbstract(name);
    if (!server) throw new DataDirLockedError(real, readPid(pidFile));
    server.unref();
    fs.writeFileSync(pidFile, String(process.pid));
    return () => {
      server.close();
      if (readPid(pidFile) === process.pid) fs.rmSync(pidFile, { force: true });
    };
  }
  try {
    fs.writeFileSync(pidFile, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = readPid(pidFile);
    if (holder && isAlive(holder)) throw new DataDirLockedError(real, holder);
    fs.rmSync(pidFile, { force: true });
    fs.writeFileSync(pidFile, String(process.pid), { flag: 'wx' });
  }
  return () => fs.rmSync(pidFile, { force: true });
}
