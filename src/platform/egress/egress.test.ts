/**
 * The egress policy against real sockets: listeners on 127.0.0.1/127.0.0.2 count what
 * reaches them. Nothing here sends a byte to a non-loopback address: those destinations go
 * through `egress.wrap` around a recording transport, so even a broken policy would only
 * show up as a recorded call, never as traffic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../../config/env.js';
import { closedPort, startListener, startRudeListener, type Listener } from '../../testing/listeners.js';
import { NyxError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createEgress, EgressError, type Egress } from './egress.js';

const SERVER_DB = 'postgres://nyx@db.invalid:5432/nyx';
const logLines: string[] = [];
const log = createLogger('warn', { write: (l: string) => logLines.push(l) });

const egressFor = (mode: 'server' | 'embedded', extra: Record<string, string> = {}): Egress =>
  createEgress(loadEnv({ NODE_ENV: 'test', ...(mode === 'server' ? { DATABASE_URL: SERVER_DB } : {}), ...extra }), log);

/** The EgressError a request fails with (fails the test if it succeeds or fails otherwise). */
async function egressErrorOf(request: Promise<Response>): Promise<EgressError> {
  const err = await request.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EgressError);
  return err as EgressError;
}

/** A transport that records calls instead of connecting anywhere. */
function recorder() {
  const calls: string[] = [];
  const transport: typeof fetch = (input) => {
    calls.push(input instanceof Request ? input.url : input.toString());
    return Promise.resolve(new Response('{"ok":true}', { status: 200 }));
  };
  return { calls, transport };
}

describe('egress policy', () => {
  let a: Listener;
  let b: Listener;
  beforeAll(async () => {
    a = await startListener('127.0.0.1');
    b = await startListener('127.0.0.2');
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });
  const reset = () => {
    a.hits.length = 0;
    b.hits.length = 0;
  };

  it('server mode refuses loopback in every spelling, and the listener receives nothing', async () => {
    reset();
    const egress = egressFor('server');
    for (const url of [
      `http://127.0.0.1:${a.port}/`,
      `http://localhost:${a.port}/`,
      `http://2130706433:${a.port}/`,
      `http://[::ffff:127.0.0.1]:${a.port}/`,
      `http://0x7f.0.0.1:${a.port}/`,
      `http://[::1]:${a.port}/`,
    ]) {
      const err = await egressErrorOf(egress.fetch(url));
      expect(err.code, url).toBe('EGRESS_DENIED');
      expect(err.message, url).toMatch(/loopback addresses are denied in server mode/);
    }
    expect(a.hits).toEqual([]);
    await egress.close();
  });

  it.each(['server', 'embedded'] as const)(
    '%s mode refuses private, link-local (metadata), CGNAT, unspecified and multicast addresses before sending',
    async (mode) => {
      const rec = recorder();
      const guarded = egressFor(mode).wrap(rec.transport);
      const denied: [string, RegExp][] = [
        ['http://10.0.0.1/v1', /private/],
        ['http://172.16.5.4/', /private/],
        ['http://192.168.1.1/', /private/],
        ['http://169.254.169.254/latest/meta-data/', /link-local.*metadata/],
        ['http://[fe80::1]/', /link-local/],
        ['http://[fd00::1]/', /private/],
        ['http://100.64.0.1/', /carrier-grade NAT/],
        ['http://0.0.0.0:8080/', /unspecified/],
        ['http://[::]/', /unspecified/],
        ['http://224.0.0.1/', /multicast/],
        ['http://255.255.255.255/', /broadcast/],
        ['http://240.0.0.1/', /reserved/],
        ['http://[::ffff:10.0.0.1]/', /private/],
        ['http://[64:ff9b::a9fe:a9fe]/', /link-local/],
      ];
      for (const [url, reason] of denied) {
        const err = await egressErrorOf(guarded(url));
        expect(err.code, url).toBe('EGRESS_DENIED');
        expect(err.message, url).toMatch(reason);
      }
      expect(rec.calls).toEqual([]);
    },
  );

  it('NYXCORE_EGRESS_ALLOW lets the named address, CIDR or host through, and the request then arrives', async () => {
    reset();
    for (const allow of ['127.0.0.1', '127.0.0.0/8', '::ffff:127.0.0.1']) {
      const egress = egressFor('server', { NYXCORE_EGRESS_ALLOW: allow });
      expect((await egress.fetch(`${a.url}/allowed`)).status, allow).toBe(200);
      await egress.close();
    }
    expect(a.hits).toEqual(['/allowed', '/allowed', '/allowed']);
    const rec = recorder();
    const guarded = egressFor('server', { NYXCORE_EGRESS_ALLOW: '10.1.2.0/24' }).wrap(rec.transport);
    expect((await guarded('http://10.1.2.3/v1')).status).toBe(200);
    expect((await egressErrorOf(guarded('http://10.1.3.3/v1'))).code).toBe('EGRESS_DENIED');
    expect(rec.calls).toEqual(['http://10.1.2.3/v1']);
  });

  it('a hostname is judged by the address it resolves to when connecting', async () => {
    reset();
    // Not the name "localhost" but its address is allowed: the connect-time lookup decides.
    const byAddress = egressFor('server', { NYXCORE_EGRESS_ALLOW: '127.0.0.1' });
    expect((await byAddress.fetch(`http://localhost:${a.port}/via-name`)).status).toBe(200);
    const byName = egressFor('server', { NYXCORE_EGRESS_ALLOW: 'localhost' });
    expect((await byName.fetch(`http://localhost:${a.port}/by-name`)).status).toBe(200);
    expect((await egressErrorOf(byName.fetch(`http://127.0.0.1:${a.port}/by-ip`))).code).toBe('EGRESS_DENIED');
    expect(a.hits).toEqual(['/via-name', '/by-name']);
    await byAddress.close();
    await byName.close();
  });

  it('embedded mode allows loopback (local models) but never nyxCore’s own port, whatever the allow list says', async () => {
    reset();
    const embedded = egressFor('embedded');
    expect((await embedded.fetch(`${a.url}/ollama`)).status).toBe(200);
    expect(a.hits).toEqual(['/ollama']);
    const self = egressFor('embedded', { PORT: String(a.port), NYXCORE_EGRESS_ALLOW: '127.0.0.1,localhost' });
    for (const url of [
      `http://127.0.0.1:${a.port}/`,
      `http://localhost:${a.port}/`,
      `http://0.0.0.0:${a.port}/`,
      `http://[::ffff:127.0.0.1]:${a.port}/`,
    ]) {
      const err = await egressErrorOf(self.fetch(url));
      expect(err.message, url).toMatch(/nyxCore itself/);
    }
    expect(a.hits).toEqual(['/ollama']);
    await embedded.close();
    await self.close();
  });

  it('refuses a redirect to another origin; the other listener receives nothing', async () => {
    reset();
    const hop = await startListener('127.0.0.1', (req, res) => {
      const to: Record<string, string> = {
        '/other-host': `${b.url}/stolen`,
        '/other-port': `${a.url}/stolen`,
        '/same': '/final',
        '/loop': '/loop',
      };
      res
        .writeHead(to[req.url ?? ''] ? 307 : 200, { location: to[req.url ?? ''] ?? '' })
        .end(req.url === '/final' ? 'arrived' : '');
    });
    const egress = egressFor('embedded');
    for (const path of ['/other-host', '/other-port']) {
      const err = await egressErrorOf(egress.fetch(`${hop.url}${path}`, { method: 'POST', body: '{"secret":"key"}' }));
      expect(err.code).toBe('EGRESS_REDIRECT');
      expect(err.message).toBe('the provider redirected to another host; refused');
    }
    expect(b.hits).toEqual([]);
    expect(a.hits).toEqual([]);
    // Same origin: followed (body resent on 307), at most three times.
    const same = await egress.fetch(`${hop.url}/same`, { method: 'POST', body: 'x' });
    expect(await same.text()).toBe('arrived');
    expect((await egressErrorOf(egress.fetch(`${hop.url}/loop`))).message).toMatch(/more than 3 times/);
    expect(hop.hits.filter((h) => h === '/loop')).toHaveLength(4);
    await hop.close();
    await egress.close();
  });

  it('an open port that hangs up and a closed port fail with the same message; the cause is only logged', async () => {
    const rude = await startRudeListener('127.0.0.1');
    const closed = await closedPort('127.0.0.1');
    const egress = egressFor('embedded');
    logLines.length = 0;
    const open = await egressErrorOf(egress.fetch(`${rude.url}/`));
    const shut = await egressErrorOf(egress.fetch(`http://127.0.0.1:${closed}/`));
    expect(rude.hits.length).toBeGreaterThan(0);
    expect([open.code, shut.code]).toEqual(['EGRESS_UNREACHABLE', 'EGRESS_UNREACHABLE']);
    expect(open.message.replace(String(rude.port), 'PORT')).toBe(shut.message.replace(String(closed), 'PORT'));
    expect(`${open.message} ${shut.message}`).not.toMatch(/ECONN|closed|refused|reset|socket/i);
    expect(logLines.join('\n')).toMatch(/ECONNREFUSED/);
    await rude.close();
    await egress.close();
  });

  it('refuses other schemes and credentials in the URL', async () => {
    const rec = recorder();
    const guarded = egressFor('embedded').wrap(rec.transport);
    expect((await egressErrorOf(guarded('file:///etc/passwd'))).message).toMatch(/only http and https/);
    expect((await egressErrorOf(guarded(`http://user:pw@127.0.0.1:${a.port}/`))).message).toMatch(/credentials/);
    expect(rec.calls).toEqual([]);
  });
});

describe('egress checkUrl (configuration time)', () => {
  const badInput = async (p: Promise<void>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NyxError);
    expect((err as NyxError).code).toBe('BAD_INPUT');
    return (err as NyxError).userMessage;
  };

  it('names why an address is refused and how to allow it', async () => {
    const server = egressFor('server');
    expect(await badInput(server.checkUrl('http://127.0.0.1:11434/v1'))).toBe(
      'This address is not allowed by the egress policy: loopback addresses are denied in server mode; allow it with NYXCORE_EGRESS_ALLOW=127.0.0.1',
    );
    expect(await badInput(server.checkUrl('http://localhost:6379/'))).toMatch(
      /loopback.*NYXCORE_EGRESS_ALLOW=localhost/,
    );
    expect(await badInput(server.checkUrl('http://169.254.169.254/latest'))).toMatch(/metadata/);
    expect(await badInput(server.checkUrl('ftp://example.com/'))).toMatch(/only http and https/);
    expect(await badInput(egressFor('embedded', { PORT: '3000' }).checkUrl('http://127.0.0.1:3000/api'))).toMatch(
      /nyxCore itself$/,
    );
    await expect(egressFor('embedded').checkUrl('http://127.0.0.1:11434/v1')).resolves.toBeUndefined();
    await expect(
      egressFor('server', { NYXCORE_EGRESS_ALLOW: '127.0.0.1' }).checkUrl('http://localhost:11434/v1'),
    ).resolves.toBeUndefined();
  });

  it('a bad NYXCORE_EGRESS_ALLOW entry is a configuration error naming the variable', () => {
    for (const bad of ['10.0.0.0/33', 'http://ollama', '2130706433']) {
      expect(() => loadEnv({ NYXCORE_EGRESS_ALLOW: `127.0.0.1,${bad}` })).toThrow(EnvError);
      expect(() => loadEnv({ NYXCORE_EGRESS_ALLOW: bad })).toThrow(
        new RegExp(`NYXCORE_EGRESS_ALLOW: "${bad.replace(/[./]/g, '\\$&')}" is not`),
      );
    }
    expect(
      loadEnv({ NYXCORE_EGRESS_ALLOW: ' 127.0.0.1 , 10.1.2.0/24,Ollama.Internal,*.corp.example ' })
        .NYXCORE_EGRESS_ALLOW,
    ).toEqual({
      hosts: ['ollama.internal'],
      suffixes: ['.corp.example'],
      cidrs: ['127.0.0.1/32', '10.1.2.0/24'],
    });
  });
});
