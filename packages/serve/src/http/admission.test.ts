import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { GanforgeError } from '@ganforge/core';
import { Admission } from './admission.ts';

/** A response's lifetime: admitted samples are released when it emits 'close'. */
const response = () => new EventEmitter();

function refusal(f: () => void): GanforgeError & { retryAfterSeconds: number } {
  try {
    f();
  } catch (e) {
    return e as GanforgeError & { retryAfterSeconds: number };
  }
  throw new Error('expected a 429');
}

describe('Admission', () => {
  it('counts samples until each response closes, and refuses past the limit with a Retry-After', () => {
    const a = new Admission(100, (samples) => samples / 40);
    const first = response();
    a.admit(64, first);
    a.admit(36, response());
    expect(a.inProgress).toBe(100);
    const e = refusal(() => a.admit(1, response()));
    expect(e.status).toBe(429);
    expect(e.code).toBe('queue_full');
    expect(e.message).toContain('limit of 100');
    expect(e.retryAfterSeconds).toBe(3); // ceil(100 / 40)
    first.emit('close');
    expect(a.inProgress).toBe(36);
    a.admit(64, response());
    expect(a.inProgress).toBe(100);
  });

  it('tryTake admits exactly where admit would, and counts until release', () => {
    const a = new Admission(100, (samples) => samples / 40, 2);
    expect(a.tryTake(500)).toBe(true); // nothing in progress: always admitted
    expect(a.inProgress).toBe(500);
    expect(a.tryTake(1)).toBe(false); // past the limit: admit would throw
    expect(() => a.admit(1, response())).toThrow(/at capacity/);
    expect(a.inProgress).toBe(500);
    a.release(500);
    expect(a.tryTake(60)).toBe(true);
    // 60 + 30 = 90 samples is within the limit but 2.25 s of work, past the 2 s budget.
    expect(a.tryTake(30)).toBe(false);
    expect(() => a.admit(30, response())).toThrow(/recent speed/);
    expect(a.tryTake(20)).toBe(true);
    a.release(60);
    a.release(20);
    expect(a.inProgress).toBe(0);
  });

  it('always admits a request when nothing is in progress, however large', () => {
    const a = new Admission(10, () => 99);
    a.admit(256, response());
    expect(a.inProgress).toBe(256);
  });

  it('refuses when the estimated time of the work in progress passes the budget', () => {
    // 100 samples per second: 150 samples take 1.5 s, over a 1 s budget though far under the limit.
    const a = new Admission(10_000, (samples) => samples / 100, 1);
    a.admit(50, response());
    a.admit(50, response());
    const e = refusal(() => a.admit(50, response()));
    expect(e.status).toBe(429);
    expect(e.message).toMatch(/finish in 1\.0 s/);
    expect(a.inProgress).toBe(100);
  });
});
