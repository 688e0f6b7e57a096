import { describe, expect, it } from 'vitest';
import { decideUpdates, MarginBalanceConfigSchema } from './margin-balance.ts';

const margin = 0.3;

describe('margin balance (docs/techniques.md#margin-balance)', () => {
  it('is off by default with margin 0.3', () => {
    expect(MarginBalanceConfigSchema.parse(undefined)).toEqual({ enabled: false, margin: 0.3 });
    expect(MarginBalanceConfigSchema.parse({})).toEqual({ enabled: false, margin: 0.3 });
    expect(() => MarginBalanceConfigSchema.parse({ margin: 0.7 })).toThrow();
    expect(() => MarginBalanceConfigSchema.parse({ marign: 0.3 })).toThrow();
  });

  it('both errors inside [margin, 1 - margin]: update both', () => {
    expect(decideUpdates({ errReal: 0.5, errFake: 0.6, margin })).toEqual({ updateD: true, updateG: true });
  });

  it('D too good (err_F < margin or err_R < margin): skip D, update G', () => {
    expect(decideUpdates({ errReal: 0.5, errFake: 0.1, margin })).toEqual({ updateD: false, updateG: true });
    expect(decideUpdates({ errReal: 0.29, errFake: 0.5, margin })).toEqual({ updateD: false, updateG: true });
  });

  it('D too bad (err_F > 1 - margin or err_R > 1 - margin): update D, skip G', () => {
    expect(decideUpdates({ errReal: 0.5, errFake: 0.9, margin })).toEqual({ updateD: true, updateG: false });
    expect(decideUpdates({ errReal: 0.71, errFake: 0.5, margin })).toEqual({ updateD: true, updateG: false });
  });

  it('both would be skipped (err_R < margin and err_F > 1 - margin): update both', () => {
    expect(decideUpdates({ errReal: 0.1, errFake: 0.9, margin })).toEqual({ updateD: true, updateG: true });
    expect(decideUpdates({ errReal: 2.0, errFake: 0.05, margin })).toEqual({ updateD: true, updateG: true });
  });

  it('the boundaries themselves are not skipped (strict comparisons as in the Lua code)', () => {
    expect(decideUpdates({ errReal: 0.3, errFake: 0.7, margin: 0.3 })).toEqual({
      updateD: true,
      updateG: true,
    });
  });
});
