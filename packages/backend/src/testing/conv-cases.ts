/** The grid of 2-D convolution geometries the wasm conv kernels are checked on against cpu. */
export type Pad = 'same' | 'valid' | number;

export interface ConvCase {
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: number;
  stride: number;
  pad: Pad;
}

/** Strides 1/2, 'same'/'valid', odd/even/non-square inputs, kernels 3/4/5, several channel counts. */
export function convCases(): ConvCase[] {
  const cases: ConvCase[] = [];
  for (const stride of [1, 2]) {
    for (const pad of ['same', 'valid'] as const) {
      for (const [h, w] of [
        [7, 7],
        [8, 8],
        [9, 6],
      ] as const) {
        for (const k of [3, 4, 5]) {
          for (const [cin, cout] of [
            [1, 4],
            [3, 2],
            [8, 16],
          ] as const) {
            if (pad === 'valid' && (k > h || k > w)) continue;
            cases.push({ n: 3, h, w, cin, cout, k, stride, pad });
          }
        }
      }
    }
  }
  // Stride 3, a stride that skips trailing rows ('valid' 10 with k 3 s 2 reads 9), explicit padding.
  cases.push({ n: 2, h: 11, w: 11, cin: 2, cout: 3, k: 5, stride: 3, pad: 'same' });
  cases.push({ n: 2, h: 10, w: 10, cin: 2, cout: 3, k: 3, stride: 2, pad: 'valid' });
  cases.push({ n: 2, h: 6, w: 7, cin: 2, cout: 3, k: 3, stride: 2, pad: 1 });
  // A kernel smaller than the stride: phases with no taps (zeros), in the stacked and per-phase paths.
  cases.push({ n: 2, h: 8, w: 7, cin: 3, cout: 2, k: 1, stride: 2, pad: 'valid' });
  cases.push({ n: 2, h: 8, w: 7, cin: 8, cout: 4, k: 2, stride: 3, pad: 'same' });
  return cases;
}

export const caseLabel = (c: ConvCase): string =>
  `n${c.n} ${c.h}x${c.w} ${c.cin}->${c.cout} k${c.k} s${c.stride} ${c.pad}`;
