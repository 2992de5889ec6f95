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
    ctx.untagged('BYE IMAP4rev1 server terminating connection');
    if (s.selected) {
      await s.selected.box.close();
      s.selected = null;
    }
    if (s.user) s.opts.logger.log('info', `Logout user=${s.user} host=${s.opts.clientHost}`);
    s.state = 'logout';
    ctx.okWith('LOGOUT completed');
  },
};
