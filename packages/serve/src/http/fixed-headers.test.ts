import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { fixedHeaders, recordHeaders } from './fixed-headers.ts';

describe('fixed headers', () => {
  it("records helmet's headers once, and sets exactly those on a response", () => {
    const recorded = recordHeaders(helmet({ crossOriginResourcePolicy: { policy: 'cross-origin' } }));
    const names = recorded.map(([name]) => name.toLowerCase());
    expect(names).toEqual(
      expect.arrayContaining([
        'content-security-policy',
        'cross-origin-resource-policy',
        'x-content-type-options',
        'strict-transport-security',
        'x-frame-options',
      ]),
    );
    expect(Object.fromEntries(recorded)['Cross-Origin-Resource-Policy']).toBe('cross-origin');
    const set = new Map<string, string>();
    let nexts = 0;
    fixedHeaders(recorded)(
      {} as never,
      { setHeader: (k: string, v: string) => set.set(k, v) } as never,
      () => (nexts += 1),
    );
    expect([...set]).toEqual(recorded);
    expect(nexts).toBe(1);
  });

  it('refuses a middleware that does not finish synchronously', () => {
    expect(() => recordHeaders(() => {})).toThrow(/did not call next/);
  });
});
