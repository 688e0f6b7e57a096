import { watch, type FSWatcher } from 'node:fs';
import { errorInfo } from './model-folder.ts';

export interface FolderWatcherOptions {
  /** The models folder. */
  readonly dir: string;
  readonly logger: {
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
  /** How often the folder is rescanned in full, whatever the events say. */
  readonly pollIntervalMs: number;
  /** Events are debounced by this long, and files modified within it are left to a later rescan. */
  readonly debounceMs: number;
  /** Resolves once the scan in progress, if any, has finished. */
  readonly idle: () => Promise<void>;
  /**
   * Rescans the folder, skipping files modified within `settleMs`: whether something changed, and
   * whether files were skipped because they were still changing.
   */
  readonly rescan: (settleMs: number) => Promise<{ changed: boolean; unsettled: boolean }>;
}

/**
 * Notices what changes under the models folder: a full rescan every pollIntervalMs, and sooner
 * (debounced) on file-system events. Files modified within the last debounceMs are left to the next
 * rescan, so a copy in progress or a deploy that writes two files is loaded once, complete. After any
 * change the event watcher is re-created, so it watches the folders and files as they now are (a folder
 * swapped in by rename is a new inode). A lost event watcher is not fatal: the periodic rescan still
 * sees every change.
 */
export class FolderWatcher {
  private watcher: FSWatcher | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private polling: NodeJS.Timeout | undefined;
  private rescanQueued = false;
  private closed = false;

  constructor(private readonly options: FolderWatcherOptions) {}

  start(): void {
    if (this.polling || this.closed) return;
    this.polling = setInterval(this.rescan, this.options.pollIntervalMs);
    this.polling.unref();
    this.rewatch();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.rescanTimer);
    clearInterval(this.polling);
    this.watcher?.close();
  }

  private readonly onEvent = (): void => {
    clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(this.rescan, this.options.debounceMs);
  };

  /** At most one rescan waits behind the one in progress; events meanwhile join it. */
  private readonly rescan = (): void => {
    if (this.rescanQueued || this.closed) return;
    this.rescanQueued = true;
    const { idle, rescan, debounceMs, logger } = this.options;
    void idle().then(() => {
      this.rescanQueued = false;
      return rescan(debounceMs)
        .then(({ changed, unsettled }) => {
          if (changed) this.rewatch();
          // Files still being written were skipped: look again once they have had time to settle.
          if (unsettled) this.onEvent();
        })
        .catch((e: unknown) => logger.error({ error: errorInfo(e) }, 'rescan failed'));
    });
  };

  private rewatch(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.closed) return;
    const { dir, logger } = this.options;
    try {
      const w = watch(dir, { recursive: true }, this.onEvent);
      w.on('error', (e) => {
        logger.warn({ error: errorInfo(e) }, 'models folder watch failed; polling only');
        w.close();
      });
      this.watcher = w;
    } catch (e) {
      logger.warn({ error: errorInfo(e) }, 'cannot watch the models folder; polling only');
    }
  }
}
