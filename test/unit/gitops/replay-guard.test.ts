import { describe, expect, it } from 'vitest';
import { REPLAY_MEMORY, REPLAY_WINDOW_MS, ReplayGuard } from '../../../src/gitops/replay-guard.js';

describe('ReplayGuard', () => {
  it('refuses a signature seen for the same GitSource within the window, not for another one', () => {
    const guard = new ReplayGuard(() => 0);
    expect(guard.firstSeen('a/apps', 'sha256=1')).toBe(true);
    expect(guard.firstSeen('a/apps', 'sha256=1')).toBe(false);
    expect(guard.firstSeen('b/apps', 'sha256=1')).toBe(true);
  });

  it('forgets a signature after the window', () => {
    let now = 0;
    const guard = new ReplayGuard(() => now);
    guard.firstSeen('a/apps', 'sha256=1');
    now = REPLAY_WINDOW_MS;
    expect(guard.firstSeen('a/apps', 'sha256=1')).toBe(true);
  });

  it('keeps at most REPLAY_MEMORY signatures per GitSource, dropping the oldest', () => {
    const guard = new ReplayGuard(() => 0);
    for (let i = 0; i <= REPLAY_MEMORY; i++) guard.firstSeen('a/apps', `sha256=${i}`);
    expect(guard.firstSeen('a/apps', 'sha256=0')).toBe(true);
    expect(guard.firstSeen('a/apps', `sha256=${REPLAY_MEMORY}`)).toBe(false);
  });
});
