/**
 * How a POP3 command is declared (one per file in commands/, gathered in commands/table.ts) and what it sees of the
 * session: the POP3 side of lib/imap's `defineCommand`. A command names the states it is valid in (RFC 1939 §3:
 * AUTHORIZATION, TRANSACTION), parses its arguments (pure; throws `err()` for a `-ERR`), and runs with the context
 * of the state it runs in: a TRANSACTION command gets the open maildrop, never a null one. Commands change the
 * session only through the context's transition methods (`loggedIn`, `enterUpdate`, `finish`).
 */
import type { Pop3Args } from './args.js';
import type { Maildrop } from './maildrop.js';
import type { Pop3Backend, Pop3Options } from './session.js';

/** The states a command can run in (UPDATE is QUIT's own business, and nothing runs after it). */
export type Pop3State = 'authorization' | 'transaction';

/** What every command sees of the session. */
export interface SessionContext {
  readonly backend: Pop3Backend;
  readonly opts: Pop3Options;
  /** Queues one response line (CRLF is added). */
  send(line: string): void;
  /** Queues bytes of a multi-line response, already dot-stuffed. */
  write(data: Buffer): void;
  /** Sends what is queued now (before reading the client's answer to a challenge, before a TLS handshake). */
  flush(): Promise<void>;
  /** Sends what is queued when enough has gathered (while a message streams out). */
  maybeFlush(): Promise<void>;
  /** True when the client has gone: nothing more can be sent. */
  outputClosed(): boolean;
  /** The user for log lines (`???` before anyone is known). */
  who(): string;
  /** Ends the session after this command; `reason` is for the closing log line (the first one given wins). */
  finish(reason: string): void;
}

/** AUTHORIZATION state: no maildrop yet. */
export interface AuthorizationContext extends SessionContext {
  readonly state: 'authorization';
  /** USER: remembers the name for the PASS that follows. */
  userGiven(name: string): void;
  /** PASS: the name USER gave (null when none), forgotten once taken. */
  takeUser(): string | null;
  /**
   * The client's next line, within a SASL exchange: null when there is none to answer (the client went away, the
   * autologout came, or the line was too long and has been answered already).
   */
  readLine(): Promise<string | null>;
  /** True when the client sent bytes after this command that are not read yet (pipelined after STLS). */
  inputPending(): boolean;
  /** STLS: the handshake succeeded, the connection is encrypted from here on. */
  tlsStarted(): void;
  /** A login succeeded and its maildrop is open: TRANSACTION state for `user`. */
  loggedIn(user: string, drop: Maildrop): void;
  /** A login succeeded but its maildrop could not be opened: the session ends, logged as `user`'s. */
  loginAborted(user: string, reason: string): void;
}

/** TRANSACTION state: the maildrop is open. */
export interface TransactionContext extends SessionContext {
  readonly state: 'transaction';
  readonly drop: Maildrop;
  /** The user logged in. */
  readonly user: string;
  /**
   * QUIT: the UPDATE state (RFC 1939 §6). Hands over the maildrop, which the session then no longer abandons when
   * it ends: the caller updates it (or abandons it itself) and calls {@link finish}.
   */
  enterUpdate(): Maildrop;
}

type ContextIn<S extends Pop3State> = { authorization: AuthorizationContext; transaction: TransactionContext }[S];

/** The context of whichever state the session is in. */
export type Pop3Context = ContextIn<Pop3State>;

/** A command as written: `parse` and `run` linked by the argument type `A`, `run`'s context by the states `S`. */
interface CommandSpec<A, S extends Pop3State> {
  /** The keyword, upper case: 'RETR'. */
  readonly name: string;
  readonly states: readonly S[];
  /**
   * Outside its states the command is answered as unknown in that state, not as "not valid before/after login"
   * (RPOP, as UW).
   */
  readonly unknownElsewhere?: boolean;
  /** Parses the arguments (pure; throws `err()` -> a counted `-ERR`). */
  parse(args: Pop3Args): A;
  run(ctx: ContextIn<S>, args: A): void | Promise<void>;
}

/** A command in the table: its parse gives the run bound to the parsed arguments, whatever their type. */
export interface Command {
  readonly name: string;
  readonly states: readonly Pop3State[];
  readonly unknownElsewhere: boolean;
  /** Parses the arguments (pure; throws `err()`); the result runs the command, in one of its states, with them. */
  parse(args: Pop3Args): (ctx: Pop3Context) => void | Promise<void>;
}

function inState<S extends Pop3State>(states: readonly S[], ctx: Pop3Context): ctx is ContextIn<S> {
  return states.some((s) => s === ctx.state);
}

/** Makes a table entry of a command whose `parse` result is exactly what its `run` takes. */
export function defineCommand<A, S extends Pop3State>(spec: CommandSpec<A, S>): Command {
  return {
    name: spec.name,
    states: spec.states,
    unknownElsewhere: spec.unknownElsewhere ?? false,
    parse(args) {
      const a = spec.parse(args);
      return (ctx) => {
        // The session checks the state before parsing; this keeps the type honest.
        if (!inState(spec.states, ctx)) throw new Error(`${spec.name} run in the ${ctx.state} state`);
        return spec.run(ctx, a);
      };
    },
  };
}

/** `parse` of a command that takes no arguments: anything after the keyword is ignored (as UW does). */
export const noArgs = (): null => null;
