import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generaliseToken, maskToken, unitSuffix } from './masking.ts';

describe('maskToken', () => {
  const cases: [string, string][] = [
    ['12345', '<*>'],
    ['-42', '<*>'],
    ['uid=0', 'uid=<*>'],
    ['node-12', 'node-<*>'],
    ['blk_-6952295868487656571', '<*>'],
    ['/10.250.19.102:50010', '<*>'],
    ['10.0.0.1,', '<*>,'],
    ['msra-sa-41:8030', '<*>'],
    ['core.1234', 'core.<*>'],
    ['job_1445144423722_0020.', '<*>.'],
    ['/var/log/syslog:', '<*>:'],
    ['jar:file:/D:/hadoop/x!/webapps', 'jar:file:<*>'],
    ['C:\\Windows\\servicing', '<*>'],
    ['http://example.com/a?b=1', '<*>'],
    ['[akka.tcp://sys@host-1:4040]', '[<*>]'],
    ['alice@example.com', '<*>'],
    ['3f0e9a1c-1111-2222-3333-123456789012', '<*>'],
    ['0x0b)', '<*>)'],
    ['ffffffff', '<*>'],
    ['true', '<*>'],
    ['enabled:false', 'enabled:<*>'],
    ['com.tencent.mobileqq', '<*>'],
  ];
  for (const [input, want] of cases) test(`${input} → ${want}`, () => assert.equal(maskToken(input), want));

  test('words, including words with a digit or two, are wording and stay', () => {
    for (const w of ['Receiving', 'ssh2', 'IPv4', 'Slf4jLogger', 'PSR0', 'jk2_init()', 'hadoop-metrics2.properties', '(dcr', 'failed:', 'x+']) {
      assert.equal(maskToken(w), w);
    }
  });

  test('the same input always masks the same way (cache does not change results)', () => {
    for (let i = 0; i < 3; i++) assert.equal(maskToken('rhost=10.1.2.3'), 'rhost=<*>');
  });
});

describe('generaliseToken', () => {
  test('keeps a shared key prefix and closing punctuation', () => {
    assert.equal(generaliseToken('user=root', 'user=admin'), 'user=<*>');
    assert.equal(generaliseToken('(alpha)', '(beta)'), '(<*>)');
    assert.equal(generaliseToken('alpha', 'beta'), '<*>');
    assert.equal(generaliseToken('same', 'same'), 'same');
  });
});

describe('unitSuffix', () => {
  test('recognises unit abbreviations with trailing punctuation only', () => {
    assert.equal(unitSuffix('KB,'), ',');
    assert.equal(unitSuffix('ms'), '');
    assert.equal(unitSuffix('seconds'), null);
    assert.equal(unitSuffix('Bytes'), null);
  });
});
