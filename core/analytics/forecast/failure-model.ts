/**
 * The failure model the demo engine ships: leading indicators learned by `npm run eval:forecast:risk -- --write`
 * (test/eval/forecast/failure-risk.eval.ts) from demo estate seed 3: 32 failures over 33 h. Generated; do not edit by hand.
 */
import type { FailureModel } from './failure-risk.ts';

/** Learned on the demo estate's labelled faults. */
export const DEMO_FAILURE_MODEL: FailureModel = {
  "horizonMs": 3600000,
  "k": 4,
  "sustain": 3,
  "learnedFrom": "demo estate seed 3: 32 failures over 33 h",
  "prior": {
    "pool-exhaustion": 0.015286104930618069,
    "memory-leak": 0.008152589296329636,
    "bad-deploy": 0.004076294648164818,
    "disk-fill": 0.00216440423796362,
    "network-partition": 0.04076294648164818
  },
  "indicators": [
    {
      "kind": "disk-fill",
      "metric": "system.filesystem.utilization",
      "direction": 1,
      "hitShare": 0.7,
      "falseShare": 0.00028686173264486515,
      "medianLeadMs": 3585000
    },
    {
      "kind": "memory-leak",
      "metric": "http.server.request.duration.p95",
      "direction": 1,
      "hitShare": 0.8,
      "falseShare": 0.0015625,
      "medianLeadMs": 3225000
    },
    {
      "kind": "memory-leak",
      "metric": "process.memory.usage",
      "direction": 1,
      "hitShare": 0.8,
      "falseShare": 0.021875,
      "medianLeadMs": 2925000
    }
  ]
};
