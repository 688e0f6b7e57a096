import { describe, expect, it } from 'vitest';
import { interleavedAll } from './load.ts';

/** The order interleavedAll runs three measurements in, as the letters of the ones run. */
async function order(rounds: number, reversedFirst?: boolean): Promise<string> {
  const ran: string[] = [];
  const fns = ['A', 'B', 'C'].map((name) => async () => {
    ran.push(name);
    return name;
  });
  const out = await interleavedAll(rounds, fns, reversedFirst);
  expect(out).toEqual(['A', 'B', 'C'].map((name) => Array<string>(rounds).fill(name)));
  return ran.join('');
}

describe('interleavedAll', () => {
  it('runs every other round in reverse order, each result in its own list', async () => {
    expect(await order(3)).toBe('ABCCBAABC');
  });

  it('starts with the reversed order when asked, so a row can start with the last measurement', async () => {
    expect(await order(3, true)).toBe('CBAABCCBA');
    expect(await order(1, true)).toBe('CBA');
  });
});
