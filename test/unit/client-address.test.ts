// Which address a request comes from behind trusted proxies (--trust-proxy, --trust-proxy-hops,
// --trusted-proxy): what the proxies appended to X-Forwarded-For, never what the client wrote.
import { describe, expect, it } from 'vitest';
import { InvalidTrustedProxy, clientAddress, trustedHop } from '../../hub/http/client-address.ts';

describe('the client address behind proxies', () => {
  it('without trust, the socket peer, whatever X-Forwarded-For says', () => {
    expect(clientAddress('10.0.0.1', '203.0.113.7', trustedHop(false))).toBe('10.0.0.1');
  });

  it('with one proxy, the last X-Forwarded-For entry: the one the proxy appended', () => {
    const one = trustedHop(true);
    expect(clientAddress('10.0.0.1', '198.51.100.7, 203.0.113.66', one)).toBe('203.0.113.66');
    expect(clientAddress('10.0.0.1', '203.0.113.66', one)).toBe('203.0.113.66');
    expect(clientAddress('10.0.0.1', undefined, one)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', ['192.0.2.1', '203.0.113.66'], one)).toBe('203.0.113.66');
    expect(clientAddress('10.0.0.1', ' , 203.0.113.66 ,', one)).toBe('203.0.113.66');
  });

  it('with a number of proxies, that many hops from the hub', () => {
    expect(clientAddress('10.0.0.1', '192.0.2.9, 203.0.113.5, 10.0.0.2', trustedHop(2))).toBe('203.0.113.5');
    expect(clientAddress('10.0.0.1', '10.0.0.2', trustedHop(2))).toBe('10.0.0.2'); // a shorter chain: the left-most
    expect(clientAddress('10.0.0.1', '203.0.113.5', trustedHop(0))).toBe('10.0.0.1');
  });

  it('with trusted addresses and ranges, the first from the right that is not one of them', () => {
    const trusted = trustedHop(['10.0.0.0/8', '::1', '192.168.1.5']);
    expect(clientAddress('10.0.0.1', '198.51.100.1, 203.0.113.9, 192.168.1.5, 10.2.3.4', trusted)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:10.0.0.1', '203.0.113.9', trusted)).toBe('203.0.113.9');
    expect(clientAddress('::1', '2001:db8::5', trusted)).toBe('2001:db8::5');
    // A peer that is not a trusted proxy is the client, whatever it claims.
    expect(clientAddress('203.0.113.1', '10.0.0.7', trusted)).toBe('203.0.113.1');
    expect(clientAddress('10.0.0.1', 'not-an-address, 203.0.113.9', trusted)).toBe('203.0.113.9');
  });

  it('refuses entries that are neither addresses nor ranges', () => {
    for (const bad of ['example.com', '10.0.0.0/33', '10.0.0.0/', '::1/129', '10.0.0.0/8/1', '']) expect(() => trustedHop([bad]), bad).toThrow(InvalidTrustedProxy);
    expect(() => trustedHop(-1)).toThrow(InvalidTrustedProxy);
  });
});
