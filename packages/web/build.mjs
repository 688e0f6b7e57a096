// Builds the browser side of @ganforge/web into packages/web/dist/ (never committed):
//   dist/embed/gan-sampler.js  the <gan-sampler> component, one ES module (onnxruntime-web's JS inside;
//                              its .wasm/.mjs runtime files are served from /ort/ by mountWeb)
//   dist/app.js, app.css, index.html  the sampler page
// Fast (one esbuild call) and idempotent: files are written to a temp name and renamed, and only when
// their bytes changed, so a server reading dist/ never sees half a file.
// Usage: node packages/web/build.mjs
import { Buffer } from 'node:buffer';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');

async function writeIfChanged(path, bytes) {
  try {
    const old = await readFile(path);
    if (Buffer.compare(old, Buffer.from(bytes)) === 0) return false;
  } catch {
    // missing: write it
  }
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
  return true;
}

export async function build() {
  const started = Date.now();
  const result = await esbuild.build({
    absWorkingDir: here,
    entryPoints: {
      'embed/gan-sampler': join(here, 'src/browser/embed.ts'),
      app: join(here, 'src/page/app.ts'),
    },
    outdir: dist,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome111', 'firefox115', 'safari16.4'],
    // onnxruntime-web's entry that loads its wasm runtime (.mjs + .wasm) from ort.env.wasm.wasmPaths
    // instead of inlining it: the files come from our server's /ort/ with the right headers.
    conditions: ['onnxruntime-web-use-extern-wasm'],
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
    logOverride: { 'unsupported-dynamic-import': 'silent' },
  });
  const files = [
    ...result.outputFiles.map((f) => ({ path: f.path, bytes: f.contents })),
    { path: join(dist, 'index.html'), bytes: await readFile(join(here, 'src/page/index.html')) },
    { path: join(dist, 'app.css'), bytes: await readFile(join(here, 'src/page/app.css')) },
  ];
  let changed = 0;
  for (const f of files) if (await writeIfChanged(f.path, f.bytes)) changed++;
  return { dist, files: files.map((f) => relative(dist, f.path)), changed, ms: Date.now() - started };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await build();
  console.log(
    `web: built ${r.files.length} files into ${relative(process.cwd(), r.dist) || '.'} (${r.changed} changed, ${r.ms} ms)`,
  );
}
