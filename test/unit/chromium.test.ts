import { describe, expect, it } from 'vitest';
import { findChromium, installedBrowserPaths } from '../support/chromium.ts';

const none = () => false;
const neverBundled = async () => {
  throw new Error('the bundled Chromium should not be unpacked here');
};

describe('which Chromium the end-to-end tests and benchmarks drive', () => {
  it('takes BATON_CHROMIUM first, even when a browser is installed', async () => {
    const found = await findChromium({ platform: 'linux', arch: 'x64', env: { BATON_CHROMIUM: '/opt/chrome/chrome' }, exists: () => true, bundled: neverBundled });
    expect(found).toEqual({ executablePath: '/opt/chrome/chrome', from: 'BATON_CHROMIUM' });
  });

  it('names BATON_CHROMIUM when it points at nothing, rather than quietly using another browser', async () => {
    const exists = (file: string) => file === '/usr/bin/chromium';
    await expect(findChromium({ platform: 'linux', arch: 'x64', env: { BATON_CHROMIUM: '/nowhere/chrome' }, exists, bundled: neverBundled })).rejects.toThrow(
      'BATON_CHROMIUM is /nowhere/chrome, and there is no file there.',
    );
  });

  it('then an installed Chromium or Chrome, in the order of installedBrowserPaths', async () => {
    const exists = (file: string) => file === '/usr/bin/google-chrome' || file === '/usr/bin/chromium-browser';
    expect(await findChromium({ platform: 'linux', arch: 'x64', env: {}, exists, bundled: neverBundled })).toEqual({
      executablePath: '/usr/bin/chromium-browser',
      from: 'installed',
    });
  });

  it('looks where macOS and Windows install Chrome', () => {
    expect(installedBrowserPaths('darwin', { HOME: '/Users/ana' })).toContain('/Users/ana/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(installedBrowserPaths('win32', { PROGRAMFILES: 'C:\\Program Files', LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' })).toEqual([
      'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Users\\ana\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe',
    ]);
  });

  it('on Linux x64 with nothing installed, unpacks the Chromium that npm install brought', async () => {
    const found = await findChromium({ platform: 'linux', arch: 'x64', env: {}, exists: none, bundled: async () => '/tmp/baton-chromium-1/chromium' });
    expect(found).toEqual({ executablePath: '/tmp/baton-chromium-1/chromium', from: '@sparticuz/chromium' });
  });

  it('finds nothing elsewhere when nothing is installed (the package ships Linux x64 only)', async () => {
    expect(await findChromium({ platform: 'linux', arch: 'arm64', env: {}, exists: none, bundled: neverBundled })).toBeUndefined();
    expect(await findChromium({ platform: 'darwin', arch: 'arm64', env: {}, exists: none, bundled: neverBundled })).toBeUndefined();
  });
});
