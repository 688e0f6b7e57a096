/** Nice value of the session workers and the JSON encoder threads unless told (`--worker-nice`). */
export declare const WORKER_NICE: number;
/** Lowers the calling thread's CPU priority; the thread id changed, or undefined where unsupported. */
export declare function lowerThreadPriority(nice?: number): number | undefined;
