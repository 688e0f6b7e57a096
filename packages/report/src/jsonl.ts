import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { parseJsonl } from '@ganforge/runs';

// The run logs' one line parser lives with the run format in @ganforge/train; re-exported for this package's users.
export { parseJsonl };

/**
 * Follows a growing JSONL file (metrics.jsonl, events.jsonl): each read() returns the lines completed
 * since the last one. A missing file reads as empty; a file that shrank (a resume truncated it) is
 * read again from the start, and `reset` tells the caller to drop what it had.
 */
export function tailJsonl<T>(file: string): { read(): { rows: T[]; reset: boolean } } {
  let offset = 0;
  let pending = '';
  return {
    read() {
      if (!existsSync(file)) return { rows: [], reset: false };
      const size = statSync(file).size;
      let reset = false;
      if (size < offset) {
        offset = 0;
        pending = '';
        reset = true;
      }
      if (size === offset) return { rows: [], reset };
      const fd = openSync(file, 'r');
      try {
        const buf = Buffer.alloc(size - offset);
        const n = readSync(fd, buf, 0, buf.length, offset);
        offset += n;
        pending += buf.subarray(0, n).toString('utf8');
      } finally {
        closeSync(fd);
      }
      const cut = pending.lastIndexOf('\n');
      if (cut < 0) return { rows: [], reset };
      const complete = pending.slice(0, cut);
      pending = pending.slice(cut + 1);
      return { rows: parseJsonl<T>(complete), reset };
    },
  };
}
