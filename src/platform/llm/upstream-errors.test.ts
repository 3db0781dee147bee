import { describe, expect, it } from 'vitest';
import { httpFailureMessage } from './upstream-errors.js';

describe('upstream error messages', () => {
  it('keeps the message of each provider-style JSON error shape, and nothing else of the body', () => {
    expect(
      httpFailureMessage(400, '{"error":{"message":"model not found","type":"invalid_request_error","param":"model"}}'),
    ).toBe('HTTP 400: model not found');
    expect(httpFailureMessage(404, '{"error":"no such route"}')).toBe('HTTP 404: no such route');
    expect(httpFailureMessage(422, '{"message":"prompt too long","detail":{"internal":"x"}}')).toBe(
      'HTTP 422: prompt too long',
    );
    expect(httpFailureMessage(500, '{"error":{"code":13}}')).toBe('HTTP 500');
    expect(httpFailureMessage(400, '["error"]')).toBe('HTTP 400');
  });

  it('anything that is not a provider error gives the status alone', () => {
    expect(httpFailureMessage(400, '-ERR unknown command; requirepass hunter2')).toBe('HTTP 400');
    expect(httpFailureMessage(502, '<html><body>db_password=hunter2</body></html>')).toBe('HTTP 502');
    expect(httpFailureMessage(503, undefined)).toBe('HTTP 503');
  });

  it('redacts labelled secrets and key shapes, drops control characters and cuts to 120 characters', () => {
    const m = (text: string) => httpFailureMessage(400, JSON.stringify({ error: { message: text } }));
    expect(m('JSONERR db_password=hunter2')).toBe('HTTP 400: JSONERR db_password=[redacted]');
    expect(m('bad config: {"client_secret": "s3cr3t", token:abc123, API_KEY = q}')).not.toMatch(/s3cr3t|abc123|= q/);
    expect(m('Incorrect API key provided: sk-live-abcdefghijkl')).toBe(
      'HTTP 400: Incorrect API key provided: sk-[redacted]',
    );
    expect(m('line one\r\nline two\u0000\u001b[31m')).toBe('HTTP 400: line one line two [31m');
    const long = m('x'.repeat(500));
    expect(long.length).toBeLessThanOrEqual('HTTP 400: '.length + 120);
    expect(long.endsWith('…')).toBe(true);
  });
});
