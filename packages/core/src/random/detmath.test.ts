import { describe, expect, it } from 'vitest';
import { detAcos, detAtan, detCos, detLog, detSin, detSqrt } from './detmath.ts';

// The deterministic functions must agree with the engine's Math to within a couple of ulps, and
// must give exact results where the answer is exact.
describe('deterministic math', () => {
  const rng = (() => {
    let s = 12345;
    return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  })();

  it('detLog and detSqrt match Math over 300 orders of magnitude', () => {
    for (let i = 0; i < 20_000; i++) {
      const x = Math.exp((rng() - 0.5) * 1380);
      const l = Math.log(x);
      expect(Math.abs(detLog(x) - l)).toBeLessThanOrEqual(4.5e-16 * Math.max(1, Math.abs(l)));
      expect(Math.abs(detSqrt(x) - Math.sqrt(x))).toBeLessThanOrEqual(2.3e-16 * Math.sqrt(x));
    }
    expect(detLog(1)).toBe(0);
    expect(detLog(0)).toBe(-Infinity);
    expect(detLog(-1)).toBeNaN();
    expect(detSqrt(4)).toBe(2);
    expect(detSqrt(0)).toBe(0);
    expect(detSqrt(-1)).toBeNaN();
    expect(detSqrt(5e-324)).toBeGreaterThan(0);
  });

  it('detSin, detCos, detAtan, detAcos match Math', () => {
    for (let i = 0; i < 20_000; i++) {
      const x = (rng() - 0.5) * 40;
      expect(Math.abs(detSin(x) - Math.sin(x))).toBeLessThan(5e-16);
      expect(Math.abs(detCos(x) - Math.cos(x))).toBeLessThan(5e-16);
      const y = (rng() - 0.5) * 200;
      expect(Math.abs(detAtan(y) - Math.atan(y))).toBeLessThan(7e-16);
      const c = rng() * 2 - 1;
      expect(Math.abs(detAcos(c) - Math.acos(c))).toBeLessThan(1.4e-15);
    }
    expect(detSin(0)).toBe(0);
    expect(detCos(0)).toBe(1);
    expect(detAcos(1)).toBe(0);
    expect(detAcos(-1)).toBe(Math.PI);
    expect(detAcos(1.5)).toBeNaN();
    expect(detAtan(Infinity)).toBeCloseTo(Math.PI / 2, 15);
  });
});
