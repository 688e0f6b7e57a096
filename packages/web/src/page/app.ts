/**
 * The sampler page served at `/`: a model picker, a seeded grid, latent sliders for one sample, and an
 * interpolation between two seeds, all drawn by <gan-sampler> elements (defined by the component
 * bundle the page loads next to this script). A class-conditional model also gets a class picker: one
 * row per class (the default) or one class for the grid; the other two views draw the chosen class.
 */
import { sampleLatents, slerp } from '@ganforge/core';
import type { GanSamplerElement, SampleDetail, SampleOptions } from '../browser/gan-sampler.ts';
import { classOptions, gridClassAttributes } from './class-choice.ts';
import { modelNamesFromList } from './model-list.ts';

/** How many latent components get a slider. */
const SLIDER_COUNT = 16;
/** One interpolation sweep (a -> b), in ms. */
const SWEEP_MS = 2500;

function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`page is missing #${id}`);
  return found as T;
}

const grid = el<GanSamplerElement>('grid');
const single = el<GanSamplerElement>('single');
const interp = el<GanSamplerElement>('interp');
const modelSelect = el<HTMLSelectElement>('model');
const classPicker = el<HTMLElement>('class-picker');
const classSelect = el<HTMLSelectElement>('class');
const seedInput = el<HTMLInputElement>('seed');
const nSelect = el<HTMLSelectElement>('n');
const truncOn = el<HTMLInputElement>('truncation-on');
const truncRange = el<HTMLInputElement>('truncation');
const truncValue = el<HTMLOutputElement>('truncation-value');
const pickInput = el<HTMLInputElement>('pick');
const sliders = el<HTMLElement>('sliders');
const seedA = el<HTMLInputElement>('seed-a');
const seedB = el<HTMLInputElement>('seed-b');
const playButton = el<HTMLButtonElement>('play');
const tRange = el<HTMLInputElement>('t');
const tValue = el<HTMLOutputElement>('t-value');
const runtime = el<HTMLElement>('runtime');
const pageError = el<HTMLElement>('page-error');

function showPageError(message: string | undefined): void {
  pageError.hidden = message === undefined;
  pageError.textContent = message ?? '';
}

function seedOf(input: HTMLInputElement): number {
  const v = Number(input.value);
  return Number.isSafeInteger(v) && v >= 0 ? v : 0;
}

// ---- the grid ----
/** The class names of the model on screen; undefined while it loads and for an unconditional model. */
let classNames: readonly string[] | undefined;

function setOrRemove(target: Element, name: string, value: string | undefined): void {
  if (value === undefined) target.removeAttribute(name);
  else target.setAttribute(name, value);
}

/** What the class picker asks for (nothing for an unconditional model). */
function classChoice() {
  return gridClassAttributes(classNames, classSelect.value, Number(nSelect.value));
}

/** The class of the single-sample and interpolation views: one per sample drawn there. */
function classOf(index: number | undefined): SampleOptions {
  return classNames === undefined ? {} : { labels: [index ?? classChoice().index ?? 0] };
}

function applyGridSettings(): void {
  const choice = classChoice();
  setOrRemove(grid, 'label', choice.label);
  setOrRemove(grid, 'layout', choice.layout);
  grid.setAttribute('seed', String(seedOf(seedInput)));
  grid.setAttribute('n', String(choice.n));
  if (truncOn.checked) grid.setAttribute('truncation', truncRange.value);
  else grid.removeAttribute('truncation');
  truncRange.disabled = !truncOn.checked;
  truncValue.textContent = truncOn.checked ? Number(truncRange.value).toFixed(2) : 'off';
}

function describeRuntime(d: SampleDetail): string {
  const threads = d.backend === 'wasm' ? `, ${d.threads} thread${d.threads === 1 ? '' : 's'}` : '';
  const isolation = d.crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated';
  return `backend: ${d.backend}${threads} (${isolation}) · ${d.msPerSample.toFixed(2)} ms per sample`;
}

grid.addEventListener('sample', (e) => {
  const d = (e as CustomEvent<SampleDetail>).detail;
  runtime.textContent = describeRuntime(d);
  pickInput.max = String(d.n - 1);
  if (Number(pickInput.value) > d.n - 1) pickInput.value = '0';
  void exploreSample();
});

// ---- latent sliders for one sample of the grid ----
let explored: Float32Array | undefined;
/** The class of the explored sample (a conditional model). */
let exploredClass: number | undefined;

function latentRange(): number {
  return grid.latentDistribution === 'uniform' ? 1 : 3;
}

function buildSliders(z: Float32Array): void {
  sliders.textContent = '';
  const count = Math.min(SLIDER_COUNT, z.length);
  el('slider-count').textContent = String(count);
  const r = latentRange();
  for (let k = 0; k < count; k++) {
    const label = document.createElement('label');
    label.textContent = `z[${k}]`;
    label.htmlFor = `z-${k}`;
    const input = document.createElement('input');
    input.type = 'range';
    input.id = `z-${k}`;
    input.min = String(-r);
    input.max = String(r);
    input.step = '0.01';
    input.value = String(z[k]);
    const out = document.createElement('output');
    out.textContent = z[k]!.toFixed(2);
    input.addEventListener('input', () => {
      if (!explored) return;
      explored[k] = Number(input.value);
      out.textContent = Number(input.value).toFixed(2);
      single.setLatents(explored, classOf(exploredClass)).catch(() => undefined);
    });
    sliders.append(label, input, out);
  }
}

async function exploreSample(): Promise<void> {
  const all = grid.latents;
  const dim = grid.latentDim;
  if (!all || dim === undefined) return;
  const i = Math.max(0, Math.min(Number(pickInput.value) || 0, all.length / dim - 1));
  explored = all.slice(i * dim, (i + 1) * dim);
  exploredClass = grid.labels?.[i];
  buildSliders(explored);
  await single.setLatents(explored, classOf(exploredClass)).catch(() => undefined);
}

pickInput.addEventListener('change', () => void exploreSample());

// ---- interpolation between two seeds ----
let playing = false;
let sweepStart = 0;

function endpoints(): { a: Float32Array; b: Float32Array } | undefined {
  const dim = grid.latentDim;
  const distribution = grid.latentDistribution;
  if (dim === undefined || distribution === undefined) return undefined;
  const one = (seed: number) => sampleLatents({ seed, n: 1, latentDim: dim, distribution });
  return { a: one(seedOf(seedA)), b: one(seedOf(seedB)) };
}

async function showT(t: number): Promise<void> {
  const ends = endpoints();
  if (!ends) return;
  tRange.value = String(t);
  tValue.textContent = t.toFixed(2);
  await interp.setLatents(slerp(ends.a, ends.b, t), classOf(undefined)).catch(() => undefined);
}

function frame(now: number): void {
  if (!playing) return;
  // Ping-pong: a -> b -> a, one sweep each way.
  const phase = ((now - sweepStart) / SWEEP_MS) % 2;
  const t = phase <= 1 ? phase : 2 - phase;
  void showT(t).then(() => requestAnimationFrame(frame));
}

playButton.addEventListener('click', () => {
  playing = !playing;
  playButton.textContent = playing ? 'Stop' : 'Play';
  if (playing) {
    sweepStart = performance.now() - Number(tRange.value) * SWEEP_MS;
    requestAnimationFrame(frame);
  }
});
tRange.addEventListener('input', () => void showT(Number(tRange.value)));
seedA.addEventListener('change', () => void showT(Number(tRange.value)));
seedB.addEventListener('change', () => void showT(Number(tRange.value)));

// ---- controls ----
el('randomize').addEventListener('click', () => {
  seedInput.value = String(crypto.getRandomValues(new Uint32Array(1))[0]);
  applyGridSettings();
});
seedInput.addEventListener('change', applyGridSettings);
nSelect.addEventListener('change', applyGridSettings);
truncOn.addEventListener('change', applyGridSettings);
truncRange.addEventListener('input', applyGridSettings);
classSelect.addEventListener('change', () => {
  applyGridSettings();
  void showT(Number(tRange.value));
});
el('download').addEventListener('click', () => {
  grid.downloadPng().catch((e: unknown) => showPageError(e instanceof Error ? e.message : String(e)));
});

/** Shows the class picker for a conditional model's classes (first option chosen), hides it otherwise. */
function showClassPicker(classes: readonly string[] | undefined): void {
  classNames = classes;
  classPicker.hidden = classes === undefined;
  classSelect.textContent = '';
  if (classes === undefined) return;
  for (const o of classOptions(classes)) classSelect.append(new Option(o.text, o.value));
}

function selectModel(name: string): void {
  // Until the card says otherwise the model takes no class: the grid must not ask the new model for one.
  showClassPicker(undefined);
  applyGridSettings();
  for (const s of [grid, single, interp]) s.setAttribute('model', name);
  grid.addEventListener(
    'load',
    () => {
      truncRange.max = latentRange() === 1 ? '1' : '2';
      showClassPicker(grid.card?.conditioning?.classes);
      applyGridSettings();
      void showT(Number(tRange.value));
    },
    { once: true },
  );
}
modelSelect.addEventListener('change', () => selectModel(modelSelect.value));

async function start(): Promise<void> {
  await customElements.whenDefined('gan-sampler');
  let names: string[];
  try {
    const res = await fetch('/v1/models');
    if (!res.ok) throw new Error(`GET /v1/models answered HTTP ${res.status}`);
    names = modelNamesFromList(await res.json());
  } catch (e) {
    showPageError(`Could not list the models: ${e instanceof Error ? e.message : String(e)}`);
    runtime.textContent = '';
    return;
  }
  if (names.length === 0) {
    showPageError('The server has no models yet. Export one with `ganforge export` into the models folder.');
    runtime.textContent = '';
    return;
  }
  for (const name of names) modelSelect.append(new Option(name, name));
  const wanted = new URLSearchParams(location.search).get('model');
  modelSelect.value = wanted && names.includes(wanted) ? wanted : names[0]!;
  selectModel(modelSelect.value);
}

void start();
