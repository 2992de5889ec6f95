/**
 * The POP3 command table: every command the session knows, by keyword. The session answers a keyword that is not
 * here as unknown in its state, and one that is here but not valid in the current state as "not valid before
 * login" / "not valid after login".
 */
import type { Command } from '../command.js';
import { apop } from './apop.js';
import { auth } from './auth.js';
import { capa } from './capa.js';
import { dele } from './dele.js';
import { last } from './last.js';
import { list } from './list.js';
import { noop } from './noop.js';
import { pass } from './pass.js';
import { quit } from './quit.js';
import { retr } from './retr.js';
import { rpop } from './rpop.js';
import { rset } from './rset.js';
import { stat } from './stat.js';
import { stls } from './stls.js';
import { top } from './top.js';
import { uidl } from './uidl.js';
import { user } from './user.js';

export function commandTable(): ReadonlyMap<string, Command> {
  const commands: Command[] = [
    capa, quit,
    user, pass, apop, auth, stls, rpop,
    stat, list, uidl, retr, top, dele, noop, rset, last,
  ];
  return new Map(commands.map((c) => [c.name, c]));
}
