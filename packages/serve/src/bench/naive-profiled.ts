// The naive server of the serving benchmark (naive-server.ts, unchanged) with the profiler of
// signal-profiler.ts around it, for `scripts/bench-serve-profile.ts --naive`: its options JSON may
// add `profileOut` and `profileIntervalUs`.
import { profileOnSignal } from './signal-profiler.ts';

const { profileOut, profileIntervalUs } = JSON.parse(process.argv[2] ?? '{}') as {
  profileOut?: string;
  profileIntervalUs?: number;
};
if (profileOut) profileOnSignal(profileOut, profileIntervalUs);
await import('./naive-server.ts');
