import { describe, expect, it } from 'vitest';
import { findNginx } from '../support/nginx.ts';

describe('which nginx the reverse-proxy tests start', () => {
  it('takes BATON_NGINX first', () => {
    expect(findNginx({ env: { BATON_NGINX: '/opt/nginx/sbin/nginx', PATH: '/usr/bin' }, executable: () => true })).toBe('/opt/nginx/sbin/nginx');
  });

  it('names BATON_NGINX when it points at nothing, rather than quietly using another nginx', () => {
    expect(() => findNginx({ env: { BATON_NGINX: '/nowhere/nginx' }, executable: (file) => file === '/usr/sbin/nginx' })).toThrow(
      'BATON_NGINX is /nowhere/nginx, and there is no executable there.',
    );
  });

  it('then the first nginx on PATH, then Debian\'s /usr/sbin/nginx (not on every PATH)', () => {
    const installed = new Set(['/usr/local/bin/nginx', '/usr/sbin/nginx']);
    const executable = (file: string) => installed.has(file);
    expect(findNginx({ env: { PATH: '/usr/bin:/usr/local/bin' }, executable })).toBe('/usr/local/bin/nginx');
    expect(findNginx({ env: { PATH: '/usr/bin' }, executable })).toBe('/usr/sbin/nginx');
    expect(findNginx({ env: {}, executable: () => false })).toBeUndefined();
  });
});
