/** Reading what a <gan-sampler> drew, in a browser test. */
import type { Page } from 'playwright-core';

/** Pixels of a canvas (in the page or inside a <gan-sampler>'s shadow root), RGBA. */
export interface Rgba {
  width: number;
  height: number;
  data: number[];
}

/** The pixels of the canvas in the shadow root of the element `selector` names. */
export async function samplerPixels(page: Page, selector: string): Promise<Rgba> {
  return page.evaluate((sel) => {
    const canvas = document.querySelector(sel)?.shadowRoot?.querySelector('canvas');
    if (!canvas) throw new Error(`no canvas in ${sel}`);
    const img = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    return { width: img.width, height: img.height, data: Array.from(img.data) };
  }, selector);
}

/** The pixels of a PNG or WebP the page's origin serves at `url`, decoded by the browser as it decodes any image. */
export async function servedImagePixels(page: Page, url: string): Promise<Rgba> {
  return page.evaluate(async (u) => {
    const res = await fetch(u);
    if (!res.ok) throw new Error(`${u}: HTTP ${res.status}`);
    const bitmap = await createImageBitmap(await res.blob(), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const img = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    return { width: img.width, height: img.height, data: Array.from(img.data) };
  }, url);
}

/** The largest difference of two same-size RGBA images, in 8-bit levels (-1 when their sizes differ). */
export function maxPixelDiff(a: Rgba, b: Rgba): number {
  if (a.width !== b.width || a.height !== b.height) return -1;
  let max = 0;
  for (let i = 0; i < a.data.length; i++) max = Math.max(max, Math.abs((a.data[i] ?? 0) - (b.data[i] ?? 0)));
  return max;
}
