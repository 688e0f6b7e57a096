import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { WORKER_NICE } from '../engine/thread-priority.mjs';
import { JsonEncoder } from './json-encoder.ts';

/** A thread's nice value: field 19 of /proc/<pid>/task/<tid>/stat (after "(comm)"). */
const threadNice = (tid: string) =>
  Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
const threadsAt = (nice: number) => readdirSync('/proc/self/task').filter((tid) => threadNice(tid) === nice);

describe('JsonEncoder threads', () => {
  it.runIf(existsSync('/proc/thread-self') && getPriority() < 13 && WORKER_NICE !== 13)(
    'run at the nice value they are given (--worker-nice), below the calling thread',
    async () => {
      expect(threadsAt(13)).toHaveLength(0);
      const encoder = new JsonEncoder(2, 13);
      try {
        // Round-robin: one encode per thread, so both have started (and lowered themselves).
        const texts = await Promise.all(
          [new Float32Array([0.5, -1]), new Float32Array([2])].map(async (a) =>
            new TextDecoder().decode(await encoder.encode(a)),
          ),
        );
        expect(texts.map((t) => JSON.parse(t) as number[])).toEqual([[0.5, -1], [2]]);
        expect(threadsAt(13)).toHaveLength(2);
        expect(threadNice(String(process.pid))).toBe(getPriority());
      } finally {
        encoder.close();
      }
    },
  );
});
