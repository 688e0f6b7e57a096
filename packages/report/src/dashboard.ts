import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import { EVENTS_FILE, RUN_FILES, type FailureEvent } from '@ganforge/runs';
import { buildCharts, type MetricsRow } from './chart-set.ts';
import { REPORT_CSS, renderCharts, renderEvents, renderSamples } from './html.ts';
import { tailJsonl } from './jsonl.ts';
import { listSampleGrids, type SampleGridFile } from './run-data.ts';
import { escapeXml as esc } from './svg.ts';

export interface DashboardOptions {
  readonly runDir: string;
  /** TCP port on 127.0.0.1; 0 = any free port (see the returned url). */
  readonly port?: number | undefined;
  /** How often the run's files are checked for new lines, in ms. */
  readonly pollMs?: number | undefined;
}

export interface Dashboard {
  /** e.g. http://127.0.0.1:6006/ */
  readonly url: string;
  close(): Promise<void>;
}

const PAGE_SCRIPT = `
const live = document.getElementById('live');
const status = document.getElementById('status');
let timer;
function refresh() {
  fetch('fragment').then((r) => r.text()).then((html) => { live.innerHTML = html; });
}
function soon() { clearTimeout(timer); timer = setTimeout(refresh, 250); }
const stream = new EventSource('stream');
stream.addEventListener('metrics', (e) => {
  const rows = JSON.parse(e.data);
  if (rows.length > 0) status.textContent = 'live - step ' + rows[rows.length - 1].step;
  soon();
});
stream.addEventListener('failure', soon);
stream.addEventListener('sample', soon);
stream.addEventListener('reset', soon);
stream.onerror = () => { status.textContent = 'disconnected (training ended?) - retrying'; };
`;

/**
 * The live dashboard of `ganforge train --dashboard`: the report's charts, events and latest sample
 * grids on http://127.0.0.1:<port>/, kept up to date by server-sent events (`/stream`: `metrics` with
 * the new metrics.jsonl rows, `failure` with new events, `sample` with new grids) as the files grow.
 * Openable at any time during the run; reads only the run directory.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const runDir = resolve(options.runDir);
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) {
    throw new GanforgeError('not_a_run', `run directory ${options.runDir} does not exist`, {
      hint: 'start the dashboard once train() has created the run directory (onStart)',
    });
  }
  const metricsTail = tailJsonl<MetricsRow>(join(runDir, RUN_FILES.metrics));
  const eventsTail = tailJsonl<FailureEvent>(join(runDir, EVENTS_FILE));
  let metrics: MetricsRow[] = [];
  let events: FailureEvent[] = [];
  let samples: SampleGridFile[] = [];
  const clients = new Set<ServerResponse>();

  const send = (event: string, data: unknown): void => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients) res.write(frame);
  };

  const poll = (): void => {
    const m = metricsTail.read();
    if (m.reset) {
      metrics = [];
      send('reset', {});
    }
    if (m.rows.length > 0) {
      metrics = metrics.concat(m.rows);
      send('metrics', m.rows);
    }
    const e = eventsTail.read();
    if (e.reset) events = [];
    if (e.rows.length > 0) {
      events = events.concat(e.rows);
      send('failure', e.rows);
    }
    const s = listSampleGrids(runDir);
    const known = new Set(samples.map((x) => x.step));
    const fresh = s.filter((x) => !known.has(x.step));
    samples = s;
    if (fresh.length > 0)
      send(
        'sample',
        fresh.map((x) => ({ step: x.step, url: `samples/${basename(x.file)}` })),
      );
  };
  poll();
  const timer = setInterval(poll, options.pollMs ?? 500);
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': keep-alive\n\n');
  }, 15_000);

  const fragment = (): string =>
    `${renderEvents(events, metrics[metrics.length - 1]?.step ?? 0)}${renderCharts(buildCharts(metrics, events))}` +
    `<h2>Latest samples from the fixed z</h2>${renderSamples(samples.slice(-6).map((s) => ({ step: s.step, src: `samples/${basename(s.file)}` })))}`;

  const name = basename(runDir);
  const page =
    (): string => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(name)} - ganforge live</title>
<style>${REPORT_CSS}</style></head><body><h1>${esc(name)}</h1><div class="sub" id="status">live - step ${metrics[metrics.length - 1]?.step ?? 0}</div>
<div id="live">${fragment()}</div><script>${PAGE_SCRIPT}</script></body></html>`;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers = {
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "default-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'",
    };
    if (req.method !== 'GET') {
      res.writeHead(405, headers).end('method not allowed');
      return;
    }
    if (url.pathname === '/') {
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(page());
    } else if (url.pathname === '/fragment') {
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(fragment());
    } else if (url.pathname === '/metrics.json') {
      res
        .writeHead(200, { ...headers, 'content-type': 'application/json' })
        .end(JSON.stringify({ metrics, events }));
    } else if (url.pathname === '/stream') {
      res.writeHead(200, { ...headers, 'content-type': 'text/event-stream', connection: 'keep-alive' });
      res.write(
        `event: hello\ndata: ${JSON.stringify({ step: metrics[metrics.length - 1]?.step ?? 0, rows: metrics.length })}\n\n`,
      );
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else if (/^\/samples\/step-\d+\.png$/.test(url.pathname)) {
      const file = join(runDir, RUN_FILES.samples, basename(url.pathname));
      if (!existsSync(file)) {
        res.writeHead(404, headers).end('not found');
        return;
      }
      res.writeHead(200, { ...headers, 'content-type': 'image/png' });
      createReadStream(file).pipe(res);
    } else {
      res.writeHead(404, headers).end('not found');
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(
        e.code === 'EADDRINUSE'
          ? new GanforgeError('port_in_use', `dashboard port ${options.port} is already in use`, {
              hint: 'pass another --dashboard-port, or 0 for any free port',
            })
          : e,
      ),
    );
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      clearInterval(timer);
      clearInterval(heartbeat);
      for (const res of clients) res.end();
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
