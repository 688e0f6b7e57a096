import { readdirSync, readFileSync } from 'node:fs';

/** A thread of this process's nice value: field 19 of /proc/self/task/<tid>/stat (after "(comm)"). Linux only. */
export function threadNice(tid: string): number {
  return Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
}

/** The ids of this process's threads running at nice value `nice`. Linux only. */
export function threadsAtNice(nice: number): string[] {
  return readdirSync('/proc/self/task').filter((tid) => threadNice(tid) === nice);
}
