import { describe, expect, it } from 'vitest';
import { startBusyLoops } from './busy-loops.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startBusyLoops', () => {
  it('starts that many spinning processes and ends each of them', async () => {
    const loops = startBusyLoops(2);
    expect(loops.pids).toHaveLength(2);
    expect(new Set(loops.pids).size).toBe(2);
    for (const pid of loops.pids) expect(alive(pid)).toBe(true);
    await loops.stop();
    for (const pid of loops.pids) expect(alive(pid)).toBe(false);
    await loops.stop(); // a second stop is a no-op
    expect(startBusyLoops(0).pids).toHaveLength(0);
  });
});
