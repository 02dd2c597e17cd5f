import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  contentSecurityPolicy,
  isAllowedNavigation,
  isAllowedRequest,
  isSafeExternalUrl,
  originOf,
  permissionDecision,
  webPreferences,
  withContentSecurityPolicy,
} from './security.ts';

const ENGINE = 'http://127.0.0.1:4780';

describe('originOf', () => {
  test('origin of a URL; null for opaque origins and garbage', () => {
    assert.equal(originOf('http://127.0.0.1:4780/incidents/1?x#y'), ENGINE);
    assert.equal(originOf('data:text/html,hi'), null);
    assert.equal(originOf('file:///etc/passwd'), null);
    assert.equal(originOf('not a url'), null);
  });
});

describe('isAllowedNavigation', () => {
  test('pages of the engine origin are allowed', () => {
    assert.equal(isAllowedNavigation(`${ENGINE}/`, ENGINE), true);
    assert.equal(isAllowedNavigation(`${ENGINE}/incidents/abc?kiosk#token=x`, ENGINE), true);
  });

  test('anything else is denied', () => {
    for (const url of [
      'http://127.0.0.1:4781/', // another port
      'http://localhost:4780/', // same machine, other origin
      'https://127.0.0.1:4780/', // other scheme
      'https://example.com/',
      'http://127.0.0.1:4780.evil.com/',
      'http://user@127.0.0.1:4780@evil.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'about:blank',
      '',
    ]) {
      assert.equal(isAllowedNavigation(url, ENGINE), false, url);
    }
  });
});

describe('isAllowedRequest', () => {
  test('the engine over HTTP and WebSocket, and in-memory schemes', () => {
    assert.equal(isAllowedRequest(`${ENGINE}/api/incidents`, ENGINE), true);
    assert.equal(isAllowedRequest('ws://127.0.0.1:4780/api/stream?token=x', ENGINE), true);
    assert.equal(isAllowedRequest('data:image/png;base64,AAAA', ENGINE), true);
    assert.equal(isAllowedRequest('blob:http://127.0.0.1:4780/0b4c', ENGINE), true);
    assert.equal(isAllowedRequest('devtools://devtools/bundled/inspector.html', ENGINE), true);
  });

  test('remote content and other local ports are cancelled', () => {
    assert.equal(isAllowedRequest('https://fonts.googleapis.com/css', ENGINE), false);
    assert.equal(isAllowedRequest('http://127.0.0.1:4318/v1/metrics', ENGINE), false);
    assert.equal(isAllowedRequest('ws://127.0.0.1:9999/', ENGINE), false);
    assert.equal(isAllowedRequest('wss://127.0.0.1:4780/api/stream', ENGINE), false);
    assert.equal(isAllowedRequest('file:///etc/passwd', ENGINE), false);
    assert.equal(isAllowedRequest('chrome://gpu', ENGINE), false);
    assert.equal(isAllowedRequest('::', ENGINE), false);
  });

  test('a TLS engine pairs with wss only', () => {
    assert.equal(isAllowedRequest('wss://ops.local:8443/api/stream', 'https://ops.local:8443'), true);
    assert.equal(isAllowedRequest('ws://ops.local:8443/api/stream', 'https://ops.local:8443'), false);
  });
});

describe('isSafeExternalUrl', () => {
  test('http(s) links with a host are safe', () => {
    assert.equal(isSafeExternalUrl('https://runbooks.example.com/db#pool'), true);
    assert.equal(isSafeExternalUrl('http://grafana.internal:3000/d/x'), true);
  });
  test('other schemes, credentials and oversize URLs are not', () => {
    for (const url of [
      'file:///C:/Windows/System32/calc.exe',
      'smb://host/share',
      'javascript:alert(1)',
      'ms-msdt:/id PCWDiagnostic',
      'https://user:pw@example.com/',
      `https://example.com/${'a'.repeat(2100)}`,
      'nonsense',
    ]) {
      assert.equal(isSafeExternalUrl(url), false, url.slice(0, 40));
    }
  });
});

describe('permissionDecision', () => {
  test('allow-listed permissions for the engine origin only', () => {
    assert.equal(permissionDecision('fullscreen', `${ENGINE}/`, ENGINE), true);
    assert.equal(permissionDecision('fullscreen', ENGINE, ENGINE), true); // checks pass a bare origin
    assert.equal(permissionDecision('clipboard-sanitized-write', `${ENGINE}/incidents/1`, ENGINE), true);
    assert.equal(permissionDecision('fullscreen', 'https://example.com/', ENGINE), false);
    assert.equal(permissionDecision('fullscreen', undefined, ENGINE), false);
    assert.equal(permissionDecision('fullscreen', '', ENGINE), false);
  });
  test('everything else is denied by default, even for the engine', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'serial', 'usb', 'midiSysex', 'unknown']) {
      assert.equal(permissionDecision(p, `${ENGINE}/`, ENGINE), false, p);
    }
  });
});

describe('webPreferences', () => {
  test('the hardened values of the security checklist', () => {
    const prefs = webPreferences('/app/dist/electron-preload.cjs');
    assert.equal(prefs.preload, '/app/dist/electron-preload.cjs');
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInWorker, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.experimentalFeatures, false);
    assert.equal(prefs.navigateOnDragDrop, false);
    assert.ok(!prefs.enableBlinkFeatures);
  });
});

describe('contentSecurityPolicy', () => {
  const csp = contentSecurityPolicy(ENGINE);
  const directives = new Map(
    csp.split('; ').map((d) => {
      const [name, ...values] = d.split(' ');
      return [name, values] as const;
    }),
  );

  test('denies by default and allows scripts from the engine only', () => {
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    assert.deepEqual(directives.get('base-uri'), ["'none'"]);
    assert.deepEqual(directives.get('form-action'), ["'none'"]);
    assert.ok(!csp.includes("'unsafe-eval'"));
    assert.ok(!/script-src[^;]*'unsafe-inline'/.test(csp));
    assert.ok(!/\*/.test(csp), 'no wildcard source');
  });

  test("connects only to the engine, including its WebSocket", () => {
    assert.deepEqual(directives.get('connect-src'), ["'self'", 'ws://127.0.0.1:4780']);
    assert.match(contentSecurityPolicy('https://ops.local:8443'), /connect-src 'self' wss:\/\/ops\.local:8443/);
  });
});

describe('withContentSecurityPolicy', () => {
  test('adds the policy next to an existing one of any case, leaves other headers alone', () => {
    const out = withContentSecurityPolicy(
      { 'content-security-policy': ["default-src 'self'"], 'Content-Type': 'text/html', 'X-Frame-Options': ['DENY'] },
      "default-src 'none'",
    );
    assert.deepEqual(out, {
      'Content-Type': ['text/html'],
      'X-Frame-Options': ['DENY'],
      'Content-Security-Policy': ["default-src 'self'", "default-src 'none'"],
    });
  });
  test('sets the policy when there is none, and does not duplicate it', () => {
    assert.deepEqual(withContentSecurityPolicy(undefined, 'p'), { 'Content-Security-Policy': ['p'] });
    assert.deepEqual(withContentSecurityPolicy({ 'Content-Security-Policy': 'p' }, 'p'), { 'Content-Security-Policy': ['p'] });
  });
});
