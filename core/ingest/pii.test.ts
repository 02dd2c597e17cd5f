import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { luhnValid, maskPii } from './pii.ts';

/** [input, expected] — lines as services write them, with personal data or secrets in them. */
const MASKED: [string, string][] = [
  ['password reset requested by jane.doe@example.com', 'password reset requested by <email>'],
  ['mail to "Ops Team" <ops-team+alerts@mail.corp.example.org> bounced', 'mail to "Ops Team" <<email>> bounced'],
  ['charge failed for card 4111 1111 1111 1111 (visa)', 'charge failed for card <card> (visa)'],
  ['card=5500-0000-0000-0004 declined', 'card=<card> declined'],
  ['pan 378282246310005 amex', 'pan <card> amex'],
  ['Authorization: Bearer abcDEF123456._-~+/xyz', 'Authorization: Bearer <secret>'],
  ['upstream sent Basic dXNlcjpwYXNzd29yZA==', 'upstream sent Basic <secret>'],
  ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.SflKxwRJSMeKKF2QT4fwpM rejected', 'jwt <secret> rejected'],
  ['login user=bob password=hunter2 ok', 'login user=bob password=<secret> ok'],
  ['config {"api_key": "sk_live_51Habc", "region": "eu"}', 'config {"api_key": "<secret>", "region": "eu"}'],
  ['GET /cb?token=abc123&state=x', 'GET /cb?token=<secret>&state=x'],
  ['client_secret: s3cr3t-value', 'client_secret: <secret>'],
  ['using key AKIAIOSFODNN7EXAMPLE for s3', 'using key <secret> for s3'],
  ['key -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- loaded', 'key <secret> loaded'],
  ['sessionid=9f8e7d6c5b4a issued', 'sessionid=<secret> issued'],
];

/** Lines that must pass through unchanged: numbers that are not cards, words that merely look like keys. */
const UNCHANGED = [
  'order 1234567890123 shipped',
  'request id 4111111111111112 failed',
  'took 1700000000000 ms since epoch',
  'tokenizer loaded 3 models',
  'connection from 10.1.2.3 port 5432',
  'version 1.22.3 deployed to eu-west-1',
  'disk /dev/sda1 at 91%',
  'passing 12 of 12 checks',
];

describe('maskPii', () => {
  for (const [input, want] of MASKED) test(`masks: ${input.slice(0, 50)}`, () => assert.equal(maskPii(input), want));

  test('leaves ordinary operational lines alone', () => {
    for (const line of UNCHANGED) assert.equal(maskPii(line), line);
  });

  test('IP addresses only when configured', () => {
    const line = 'connection from 10.1.2.3 and fe80::1:2 and 2001:db8:0:0:0:0:2:1 refused';
    assert.equal(maskPii(line), line);
    assert.equal(maskPii(line, { maskIps: true }), 'connection from <ip> and <ip> and <ip> refused');
    assert.equal(maskPii('version 1.22.3', { maskIps: true }), 'version 1.22.3');
  });

  test('nothing of a masked value survives anywhere in the corpus', () => {
    for (const [input] of MASKED) {
      const out = maskPii(input);
      for (const secret of ['jane.doe', '4111 1111', '5500-0000', '378282246310005', 'abcDEF123456', 'dXNlcjpw', 'SflKxw', 'hunter2', 'sk_live', 'abc123', 's3cr3t', 'AKIAIOSFODNN7', 'MIIEow', '9f8e7d6c']) {
        assert.ok(!out.includes(secret), `${secret} left in: ${out}`);
      }
    }
  });
});

test('luhnValid', () => {
  assert.equal(luhnValid('4111 1111 1111 1111'), true);
  assert.equal(luhnValid('4111111111111112'), false);
  assert.equal(luhnValid('123'), false);
});
