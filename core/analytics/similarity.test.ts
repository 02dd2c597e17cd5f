import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CooccurrenceModel, incidentSimilarity, jaccard, titleTemplate } from './similarity.ts';

describe('templates and similarity', () => {
  test('instances of one rule on different entities share a template', () => {
    assert.equal(titleTemplate('High CPU usage on eu-web-3', 'host:eu-web-3'), 'high cpu usage on <*>');
    assert.equal(titleTemplate('High CPU usage on us-web-12'), 'high cpu usage on <*>');
    assert.equal(titleTemplate("Error ratio 12.5% on checkout since 'v2.3.1'"), 'error ratio <*>% on checkout since <*>');
    assert.notEqual(titleTemplate('Disk almost full on db-1'), titleTemplate('High CPU usage on db-1'));
  });

  test('co-occurrence needs support; operator decisions override counts', () => {
    const m = new CooccurrenceModel();
    m.learnIncident(['a', 'b']);
    m.learnIncident(['a', 'b', 'c']);
    assert.equal(m.affinity('a', 'b'), 0);
    m.learnIncident(['b', 'a']);
    assert.equal(m.affinity('a', 'b'), 1);
    assert.equal(m.affinity('a', 'c'), 0);
    m.decide('a', 'b', 'split');
    assert.equal(m.affinity('b', 'a'), 0);
    m.decide('a', 'c', 'merge');
    assert.equal(m.affinity('c', 'a'), 1);
  });

  test('incident similarity weighs entities, templates and metrics', () => {
    const s = (e: string[], t: string[], m: string[] = []) => ({ entities: new Set(e), templates: new Set(t), metrics: new Set(m) });
    assert.equal(incidentSimilarity(s(['x'], ['a']), s(['x'], ['a'])), 1);
    assert.equal(incidentSimilarity(s(['x'], ['a']), s(['y'], ['b'])), 0);
    const half = incidentSimilarity(s(['x', 'y'], ['a']), s(['x'], ['a']));
    assert.ok(half > 0.5 && half < 1);
    assert.equal(jaccard(new Set([1, 2]), new Set([2, 3])), 1 / 3);
  });
});
