/** A V8 CPU profile (.cpuprofile JSON, as the inspector's Profiler.stop returns it). */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileLine {
  readonly name: string;
  /** Microseconds per request. */
  readonly usPerRequest: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly requests: number;
  readonly seconds: number;
  /** Main-thread time not idle, per request (µs). */
  readonly busyUsPerRequest: number;
  /** Self time by where the code lives (package, node module, ganforge file, GC, native). */
  readonly byArea: readonly ProfileLine[];
  /** Functions by self time. */
  readonly topSelf: readonly ProfileLine[];
  /** ganforge's own functions (packages/serve/src) by inclusive time: what each one costs in all. */
  readonly topInclusive: readonly ProfileLine[];
}

/** Where a call frame's code lives: a package name, a node: module, a ganforge file, or a V8 bucket. */
export function areaOf(frame: { functionName: string; url: string }): string {
  const { functionName, url } = frame;
  if (url === '') {
    if (functionName.startsWith('(')) return functionName; // (garbage collector), (idle), (program)
    return 'native (C++ called from JS)';
  }
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) {
    const m = url.replace(/^node:(internal\/)?/, '').split('/');
    return `node:${m.slice(0, m[0] === 'deps' || m[0] === 'streams' ? 2 : 1).join('/')}`;
  }
  const own = /packages\/([^/]+)\/src\/(.+)$/.exec(url);
  if (own) return `ganforge ${own[1]}/${own[2]}`;
  return url.split('/').slice(-2).join('/');
}

function frameKey(frame: { functionName: string; url: string; lineNumber: number }): string {
  const file = frame.url.split('/').slice(-2).join('/');
  return `${frame.functionName || '(anonymous)'} ${file}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
}

function ranked(totals: Map<string, number>, requests: number, all: number, top: number): ProfileLine[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, usPerRequest: us / Math.max(1, requests), share: us / Math.max(1, all) }));
}

/** Per-request costs of the main thread in `profile`, taken while it answered `requests` requests. */
export function summarizeProfile(profile: CpuProfile, requests: number, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  // Each sample holds until the next one; the last until the profile's end.
  let t = profile.startTime;
  const stamps = profile.timeDeltas.map((d) => (t += d));
  for (let i = 0; i < profile.samples.length; i++) {
    const span = (i + 1 < stamps.length ? stamps[i + 1]! : profile.endTime) - stamps[i]!;
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + Math.max(0, span));
  }
  const area = new Map<string, number>();
  const fn = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    total += us;
    if (node.callFrame.functionName === '(idle)') idle += us;
    const a = areaOf(node.callFrame);
    area.set(a, (area.get(a) ?? 0) + us);
    const k = `${frameKey(node.callFrame)} [${a}]`;
    fn.set(k, (fn.get(k) ?? 0) + us);
    // Inclusive: every distinct ganforge function on the stack gets the sample once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (!/packages\/[^/]+\/src\//.test(f.url)) continue;
      const key = frameKey(f);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const busy = total - idle;
  return {
    requests,
    seconds: (profile.endTime - profile.startTime) / 1e6,
    busyUsPerRequest: busy / Math.max(1, requests),
    byArea: ranked(area, requests, busy, 40).filter((l) => l.name !== '(idle)'),
    topSelf: ranked(fn, requests, busy, top + 1).filter((l) => !l.name.startsWith('(idle)')),
    topInclusive: ranked(inclusive, requests, busy, top),
  };
}

/** The summary as plain text tables. */
export function formatProfileSummary(s: ProfileSummary): string {
  const line = (l: ProfileLine) =>
    `  ${l.usPerRequest.toFixed(1).padStart(7)} µs  ${(l.share * 100).toFixed(1).padStart(5)}%  ${l.name}`;
  return [
    `${s.requests} requests in ${s.seconds.toFixed(1)} s; main thread busy ${s.busyUsPerRequest.toFixed(1)} µs per request`,
    'self time by area (per request, share of busy time):',
    ...s.byArea.map(line),
    'functions by self time:',
    ...s.topSelf.map(line),
    'ganforge functions by inclusive time:',
    ...s.topInclusive.map(line),
  ].join('\n');
}
