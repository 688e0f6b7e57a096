import { existsSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { WORKER_NICE } from '../engine/thread-priority.mjs';
import { threadNice, threadsAtNice } from '../testing/thread-nice.ts';
import { JsonEncoder } from './json-encoder.ts';

describe('JsonEncoder threads', () => {
  it.runIf(existsSync('/proc/thread-self') && getPriority() < 13 && WORKER_NICE !== 13)(
    'run at the nice value they are given (--worker-nice), below the calling thread',
    async () => {
      expect(threadsAtNice(13)).toHaveLength(0);
      const encoder = new JsonEncoder(2, 13);
      try {
        // Round-robin: one encode per thread, so both have started (and lowered themselves).
        const texts = await Promise.all(
          [new Float32Array([0.5, -1]), new Float32Array([2])].map(async (a) =>
            new TextDecoder().decode(await encoder.encode(a)),
          ),
        );
        expect(texts.map((t) => JSON.parse(t) as number[])).toEqual([[0.5, -1], [2]]);
        expect(threadsAtNice(13)).toHaveLength(2);
        expect(threadNice(String(process.pid))).toBe(getPriority());
      } finally {
        encoder.close();
      }
    },
  );
});
