import assert from 'node:assert/strict';
import { teamScores } from '../../examples/team_scores';

describe('README example (examples/team_scores.ts)', () => {
  it('emits the panes the README describes: early, on-time, then one late final pane for red', async () => {
    const panes = await teamScores();
    assert.deepEqual(
      panes.map((e) => `${e.value.key} ${e.value.value} ${e.pane.timing}${e.pane.isLast ? ' last' : ''}`),
      ['red 3 EARLY', 'blue 5 EARLY', 'red 3 ON_TIME', 'blue 5 ON_TIME', 'red 7 LATE last'],
    );
  });
});
