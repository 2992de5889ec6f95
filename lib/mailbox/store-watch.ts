/**
 * Watching mailboxes that are not open, for NOTIFY (RFC 5465): MailStore.watch's half that touches the filesystem.
 * inotify (fs.watch) on each path given: a mailbox file sees its own writes, a directory sees files made, removed,
 * renamed and written in it (so the folders holding the mailboxes, and the home directory holding the subscription
 * file, cover CREATE, DELETE, RENAME and SUBSCRIBE by anyone). A burst of events (a delivery is several writes) is let
 * settle before `onChange` is called once. A path that cannot be watched (missing, no inotify watches left, a
 * filesystem without it) makes the watch not live, and the caller polls, as IDLE does for the open mailbox.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { StoreWatch } from './store.js';

/** How long a burst of events is let settle before the caller is told (as the open mailbox's watch). */
const SETTLE_MS = 100;

/** Watches `paths` (each once); `onChange` is called soon after any of them may have changed, never after close. */
export function watchPaths(paths: Iterable<string>, onChange: () => void): StoreWatch {
  const watchers: FSWatcher[] = [];
  let settle: NodeJS.Timeout | null = null;
  let live = true;
  let closed = false;
  const close = (): void => {
    closed = true;
    for (const w of watchers.splice(0)) w.close();
    if (settle !== null) clearTimeout(settle);
    settle = null;
  };
  const fire = (): void => {
    if (closed) return;
    settle ??= setTimeout(() => {
      settle = null;
      if (!closed) onChange();
    }, SETTLE_MS);
  };
  for (const path of new Set(paths)) {
    try {
      const w = watch(path, { persistent: false }, fire);
      // A watcher that fails later (its directory removed) leaves the caller to poll; the others keep going.
      w.on('error', () => {
        live = false;
        w.close();
        fire();
      });
      watchers.push(w);
    } catch {
      live = false;
    }
  }
  return {
    get live() {
      return live && !closed;
    },
    get paths() {
      return watchers.length;
    },
    close,
  };
}
