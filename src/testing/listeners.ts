/**
 * Tiny HTTP listeners for egress tests: bound to a loopback address on an ephemeral port,
 * they count what reaches them. `respond` decides the answer; `rude` ones drop every
 * connection before a byte of HTTP, like a database or cache port would.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface Listener {
  /** `http://host:port` */
  url: string;
  host: string;
  port: number;
  /** Requests (paths) received, in order; for rude listeners, connections accepted. */
  hits: string[];
  close(): Promise<void>;
}

type Respond = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

const okJson: Respond = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');

async function bind(
  server: net.Server,
  host: string,
  hits: string[],
  beforeClose: () => void = () => undefined,
): Promise<Listener> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    host,
    port,
    hits,
    close: () => {
      beforeClose();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Example: `const l = await startListener('127.0.0.2', (req, res) => res.writeHead(307, { location: '/x' }).end())`. */
export async function startListener(host = '127.0.0.1', respond: Respond = okJson): Promise<Listener> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      hits.push(req.url ?? '/');
      respond(req, res, body);
    });
  });
  // Keep-alive connections would hold close() open.
  return bind(server, host, hits, () => server.closeAllConnections());
}

/** A port that accepts connections and closes them at once ("other side closed"). */
export async function startRudeListener(host = '127.0.0.1'): Promise<Listener> {
  const hits: string[] = [];
  const server = net.createServer((socket) => {
    hits.push('connection');
    socket.destroy();
  });
  return bind(server, host, hits);
}

/**
 * A port on which nothing listens (bound, then released): connecting to it is refused, and a
 * server about to start can take it. Example: `PORT: String(await freePort())`.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const l = await bind(net.createServer(), host, []);
  await l.close();
  return l.port;
}

/** A port nothing listens on, for "connection refused" cases. */
export const closedPort = freePort;
