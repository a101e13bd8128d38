import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CONSOLE_CSP, CONSOLE_URL, createConsoleHandler, isConsoleUrl } from '../../electron/console/console-protocol.ts';
import { openExternalSafely } from '../../electron/security/external-links.ts';
import { safeWebUrl } from '../../shared/domain/links.ts';
import { hardenWebContents, restrictPermissions } from '../../electron/security/harden.ts';
import { REQUIRED_WEB_PREFERENCES, insecureWebPreferences, secureWebPreferences } from '../../electron/security/web-preferences.ts';
import { mainWindowOptions } from '../../electron/window/main-window.ts';
import { REPO_ROOT } from '../support/fixtures.ts';
import { FakeWebContents, electronEvent, recordingLog } from './fakes.ts';

describe('web preferences', () => {
  it('the console window runs isolated, sandboxed, without Node, with web security on', () => {
    const options = mainWindowOptions({ preload: '/app/preload.cjs', saved: { bounds: null, maximized: false }, workAreas: [] });
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/preload.cjs',
    });
    expect(insecureWebPreferences(options.webPreferences)).toEqual([]);
  });

  it('names every checklist item a set of preferences breaks', () => {
    expect(insecureWebPreferences({ ...secureWebPreferences('/p'), nodeIntegration: true, sandbox: false, enableBlinkFeatures: 'X' })).toEqual(['sandbox', 'nodeIntegration', 'enableBlinkFeatures']);
    // Electron's defaults are not enough on their own: each must be said explicitly.
    expect(insecureWebPreferences({}).sort()).toEqual(Object.keys(REQUIRED_WEB_PREFERENCES).sort());
  });
});

describe('every web contents is hardened', () => {
  function hardened() {
    const contents = new FakeWebContents();
    const opened: string[] = [];
    hardenWebContents(contents as never, { isAppUrl: isConsoleUrl, openExternal: (url) => opened.push(url), log: recordingLog() });
    return { contents, opened };
  }

  it('denies every new window; a web link asked for in one opens in the browser instead', () => {
    const { contents, opened } = hardened();
    expect(contents.openHandler!({ url: 'https://crm.example/ticket/1' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: CONSOLE_URL })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://crm.example/ticket/1', CONSOLE_URL]); // openExternal itself refuses non-web links (below)
  });

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('blocks %s away from the console, and lets the console reload itself', (name) => {
    const { contents } = hardened();
    const away = electronEvent({ url: 'https://evil.example/' });
    contents.emit(name, away);
    expect(away.defaultPrevented).toBe(true);
    const home = electronEvent({ url: 'app://baton/index.html' });
    contents.emit(name, home);
    expect(home.defaultPrevented).toBe(false);
    const file = electronEvent({ url: 'file:///etc/passwd' });
    contents.emit(name, file);
    expect(file.defaultPrevented).toBe(true);
  });

  it('never attaches a <webview>', () => {
    const { contents } = hardened();
    const event = electronEvent();
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('permissions', () => {
  function handlers() {
    const session = {
      request: undefined as undefined | ((c: unknown, p: string, cb: (ok: boolean) => void, d: { requestingUrl: string }) => void),
      check: undefined as undefined | ((c: unknown, p: string, origin: string) => boolean),
      device: undefined as undefined | (() => boolean),
      setPermissionRequestHandler(h: never) {
        this.request = h;
      },
      setPermissionCheckHandler(h: never) {
        this.check = h;
      },
      setDevicePermissionHandler(h: never) {
        this.device = h;
      },
    };
    restrictPermissions(session, { isAppUrl: isConsoleUrl });
    return session;
  }

  it('grants notifications to the console and nothing else to anyone', () => {
    const session = handlers();
    const answer = (permission: string, url: string) => {
      const callback = vi.fn();
      session.request!({}, permission, callback, { requestingUrl: url });
      return callback.mock.calls[0]![0] as boolean;
    };
    expect(answer('notifications', CONSOLE_URL)).toBe(true);
    expect(answer('notifications', 'https://evil.example/')).toBe(false);
    for (const permission of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb', 'display-capture']) {
      expect(answer(permission, CONSOLE_URL)).toBe(false);
    }
    expect(session.check!({}, 'notifications', 'app://baton')).toBe(true);
    expect(session.check!({}, 'media', 'app://baton')).toBe(false);
    expect(session.check!({}, 'notifications', 'https://evil.example')).toBe(false);
    expect(session.device!()).toBe(false);
  });
});

describe('external links', () => {
  it.each([
    ['https://crm.example/a?b=c', 'https://crm.example/a?b=c'],
    ['http://localhost:3000/', 'http://localhost:3000/'],
    ['javascript:alert(1)', null],
    ['file:///etc/passwd', null],
    ['smb://share/x', null],
    ['baton://handoff/h1', null],
    ['https://exa mple.com', null],
    ['https://example.com/\n', null],
    ['not a url', null],
  ])('%s → %s', (text, expected) => {
    expect(safeWebUrl(text)).toBe(expected);
  });

  it('shell.openExternal is called only for http and https', async () => {
    const shell = { openExternal: vi.fn(async () => undefined) };
    const log = recordingLog();
    expect(await openExternalSafely(shell, 'javascript:alert(1)', log)).toBe(false);
    expect(await openExternalSafely(shell, 'file:///C:/Windows/System32/calc.exe', log)).toBe(false);
    expect(await openExternalSafely(shell, 'https://crm.example/t/1', log)).toBe(true);
    expect(shell.openExternal.mock.calls).toEqual([['https://crm.example/t/1']]);
  });
});

describe('the console protocol and its Content-Security-Policy', () => {
  const files: Record<string, string> = {
    '/dist/console/index.html': '<!doctype html><title>Baton</title>',
    '/dist/console/assets/index-1.js': 'console.log(1)',
    '/dist/secret.txt': 'outside',
  };
  const handler = createConsoleHandler({
    root: '/dist/console',
    readFile: async (path) => {
      const text = files[path.replaceAll('\\', '/').replace(/^[A-Za-z]:/, '')];
      if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return Buffer.from(text);
    },
  });

  it('serves the console with the CSP as a header on every response', async () => {
    const page = await handler(new Request('app://baton/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await handler(new Request('app://baton/assets/index-1.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
    const missing = await handler(new Request('app://baton/nope.js'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
  });

  it('the CSP allows only our own scripts and styles, WebSocket to a hub, and nothing framed, posted or embedded', () => {
    const directives = Object.fromEntries(CONSOLE_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'self' ws: wss: http: https:",
      'object-src': "'none'",
      'frame-src': "'none'",
      'frame-ancestors': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
    });
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it.each(['app://baton/../secret.txt', 'app://baton/%2e%2e/secret.txt', 'app://baton/assets%2f..%2f..%2fsecret.txt', 'app://baton/%2e%2e%2fsecret.txt', 'app://other/index.html'])('serves nothing outside the console folder: %s', async (url) => {
    expect((await handler(new Request(url))).status).toBe(404);
  });

  it('knows its own URLs', () => {
    expect(isConsoleUrl('app://baton/index.html#x')).toBe(true);
    expect(isConsoleUrl('app://baton')).toBe(true);
    expect(isConsoleUrl('app://batonx/')).toBe(false);
    expect(isConsoleUrl('https://baton/')).toBe(false);
    expect(isConsoleUrl(undefined)).toBe(false);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('Electron reaches the modules only through their parameters', () => {
  const ENTRY_POINTS = ['electron/main/index.ts', 'electron/preload/index.ts'];

  it('only the two entry points import Electron (or packages that load it) at run time; every other module imports types', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(join(REPO_ROOT, 'electron'))) {
      const path = relative(REPO_ROOT, file).replaceAll('\\', '/');
      const text = readFileSync(file, 'utf8');
      const valueImports = [...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+['"]([^'"]+)['"]/gms)].map((m) => m[1]);
      const electronish = valueImports.filter((s) => /^electron($|\/|-store$|-log|-updater$)/.test(s!));
      if (electronish.length > 0 && !ENTRY_POINTS.includes(path)) offenders.push(`${path}: ${electronish.join(', ')}`);
    }
    expect(offenders).toEqual([]);
  });

  it('no module but the window module builds web preferences, and none creates a BrowserWindow itself', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(join(REPO_ROOT, 'electron'))) {
      const path = relative(REPO_ROOT, file).replaceAll('\\', '/');
      const text = readFileSync(file, 'utf8');
      if (/webPreferences\s*:/.test(text) && path !== 'electron/window/main-window.ts') offenders.push(path);
      if (/new BrowserWindow\(/.test(text) && path !== 'electron/main/index.ts') offenders.push(path);
    }
    expect(offenders).toEqual([]);
  });
});
