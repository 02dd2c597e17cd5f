import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AutomationConfigSchema } from './config.ts';
import { approvalRefusal, decide, effectiveLevel, inBusinessHours } from './policy.ts';

const bh = { timezone: 'UTC', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
const MON_10 = Date.UTC(2026, 10, 16, 10, 0); // Monday
const MON_20 = Date.UTC(2026, 10, 16, 20, 0);
const SAT_10 = Date.UTC(2026, 10, 21, 10, 0);

test('business hours honour days, the end bound and the time zone', () => {
  assert.equal(inBusinessHours(MON_10, bh), true);
  assert.equal(inBusinessHours(MON_20, bh), false);
  assert.equal(inBusinessHours(SAT_10, bh), false);
  assert.equal(inBusinessHours(Date.UTC(2026, 10, 16, 17, 0), bh), false);
  // 10:00 UTC is 19:00 in Tokyo: outside Tokyo's 09-17.
  assert.equal(inBusinessHours(MON_10, { ...bh, timezone: 'Asia/Tokyo' }), false);
  assert.equal(inBusinessHours(Date.UTC(2026, 10, 16, 23, 0), { ...bh, start: '22:00', end: '06:00' }), true);
});

test('risk tiers at level 5', () => {
  assert.equal(decide('low', 5, MON_20, bh).mode, 'auto');
  assert.equal(decide('medium', 5, MON_10, bh).mode, 'auto');
  const mediumNight = decide('medium', 5, MON_20, bh);
  assert.deepEqual([mediumNight.mode, mediumNight.approvalsRequired], ['approval', 1]);
  const high = decide('high', 5, MON_10, bh);
  assert.deepEqual([high.mode, high.approvalsRequired], ['approval', 2]);
});

test('levels below 5', () => {
  assert.equal(decide('low', 1, MON_10, bh).mode, 'enrich');
  assert.equal(decide('low', 2, MON_10, bh).mode, 'route');
  assert.equal(decide('low', 3, MON_10, bh).mode, 'recommend');
  assert.deepEqual([decide('low', 4, MON_10, bh).mode, decide('low', 4, MON_10, bh).approvalsRequired], ['approval', 1]);
  assert.equal(decide('high', 4, MON_10, bh).approvalsRequired, 2);
});

test('levels per runbook and per environment', () => {
  const config = AutomationConfigSchema.parse({
    environment: 'production',
    environments: { production: { maxLevel: 4, levels: { 'scale-out': 5 } }, staging: { levels: { 'scale-out': 5 } } },
  });
  assert.equal(effectiveLevel('scale-out', 3, config), 4);
  assert.equal(effectiveLevel('other', 2, config), 2);
  assert.equal(effectiveLevel('scale-out', 3, { ...config, environment: 'staging' }), 5);
  assert.equal(effectiveLevel('scale-out', 3, { ...config, environment: 'unknown' }), 3);
});

test('no self-approval, no double approval, role needed', () => {
  const action = { requestedBy: 'alice', approvals: [] as { user: string }[], state: 'pending' };
  assert.match(approvalRefusal('alice', 'approver', action)!, /own request/);
  assert.match(approvalRefusal('bob', 'operator', action)!, /approver or admin/);
  assert.equal(approvalRefusal('bob', 'approver', action), null);
  assert.match(approvalRefusal('bob', 'approver', { ...action, approvals: [{ user: 'bob' }] })!, /second, different approver/);
  assert.match(approvalRefusal('bob', 'admin', { ...action, state: 'expired' })!, /expired/);
});

test('config defaults and field-named errors', () => {
  const c = AutomationConfigSchema.parse({});
  assert.equal(c.guardrails.loop.max, 3);
  assert.equal(c.approvalTtl, 3_600_000);
  const bad = AutomationConfigSchema.safeParse({ businessHours: { timezone: 'Mars/Olympus' } });
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error!.issues[0].path, ['businessHours', 'timezone']);
  const badClock = AutomationConfigSchema.safeParse({ businessHours: { start: '9am' } });
  assert.deepEqual(badClock.error!.issues[0].path, ['businessHours', 'start']);
});
