import { describe, expect, it } from 'vitest';
import type { RehearsalSummary } from '../../src/model/rehearsal.js';
import { rehearsalCommentLines, renderRehearsals } from '../../src/report/rehearsals.js';

const summary: RehearsalSummary = {
  durationMs: 10_000,
  verdict: 'explained',
  user: '10001:10001',
  userSubstituted: true,
  hardened: 'exited with 1 after 12 ms',
  breaks: ['the read-only root filesystem'],
  capabilities: [],
  volumes: ['/var/cache'],
  written: ['/var/cache/x`<img src=x onerror=alert(1)>'],
  unmountable: [],
  verified: {
    profile: 'read-only root, no capabilities, as 10001:10001, no new privileges, no network',
    outcome: 'ran for 10 s',
    user: '10001:10001',
    readOnly: true,
    keptCapabilities: [],
    capabilities: [],
    processes: [{ pid: 1, uid: '10001', command: '<script>alert(1)</script> @admin' }],
  },
  fragments: { kubernetes: 'securityContext:\n  readOnlyRootFilesystem: true\n```\n<b>x</b>', compose: 'services: {}', verified: true },
  logTail: ['boom ``` </details>'],
  runs: [{ purpose: 'hardened', profile: 'read-only root', outcome: 'exited', exitCode: 1, elapsedMs: 12 }],
  notes: [],
  elapsedMs: 14_000,
};

describe('rehearsal in the summary and the comment', () => {
  it('says what broke it and what it ran under, with the fragment marked rehearsed', () => {
    const text = renderRehearsals([{ image: 'app:1', rehearsal: summary }]).join('\n');
    expect(text).toContain('`app:1` did not run hardened: it exited with 1 after 12 ms (its USER is root; rehearsed as 10001:10001).');
    expect(text).toContain('What breaks it: the read-only root filesystem.');
    expect(text).toContain('<summary>securityContext it ran under (rehearsed for 10 s)</summary>');
    expect(rehearsalCommentLines([{ image: 'app:1', rehearsal: summary }]).join('\n')).toContain(
      'Compose service it ran under (rehearsed for 10 s)',
    );
  });

  it('lets no text from the image open HTML, mention anyone, or close a code block', () => {
    const text = renderRehearsals([{ image: 'app:1', rehearsal: summary }]).join('\n');
    // Inside fences and code spans HTML is shown as text; everywhere else it must be escaped.
    const outsideFences = text.replace(/(`{3,})[a-z]*\n[\s\S]*?\n\1/g, '').replace(/`[^`\n]*`/g, '');
    expect(outsideFences).not.toMatch(/<script|<img|<b>|@admin/);
    // The fragment's own ``` stays inside a longer fence.
    expect(text).toContain('````yaml');
  });
});
