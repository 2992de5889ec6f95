/** CAPABILITY, NOOP, LOGOUT (RFC 3501 §6.1): valid in every state. */
import type { AnySpec } from '../session.js';

const ALL = ['not-authenticated', 'authenticated', 'selected'] as const;

export const capability: AnySpec = {
  name: 'CAPABILITY', states: ALL, expungeSafe: true,
  parse: (a) => a.end(),
  async run(ctx) {
    ctx.untagged(`CAPABILITY ${ctx.session.capabilities().join(' ')}`);
  },
};

/** NOOP: nothing, but the mailbox updates go out after it (the session sends them). */
export const noop: AnySpec = {
  name: 'NOOP', states: ALL, expungeSafe: true,
  parse: (a) => a.end(),
  async run() {},
};

export const logout: AnySpec = {
  name: 'LOGOUT', states: ALL, expungeSafe: true,
  parse: (a) => a.end(),
  async run(ctx) {
    const s = ctx.session;
    if (s.selected) {
      // Pending flag changes are written now; if that fails the session stays, and the client hears why (NO).
      await s.selected.box.close();
      s.selected = null;
    }
    s.end('logout', 'IMAP4rev1 server terminating connection');
    ctx.okWith('LOGOUT completed');
  },
};
