/**
 * What an IMAP command is and what it sees (ARCHITECTURE.md, Key interfaces): a spec with its name, the states it
 * is valid in, whether untagged EXPUNGE may follow it, a pure `parse` and a `run`, declared with the define helper
 * that matches its states, so that `run` gets a context typed by them (the store once logged in, the mailbox when
 * selected). The session (session.ts) holds the table, builds the context and owns every state change.
 */
import type { MailStore } from '../mailbox/store.js';
import type { OpenMailbox } from '../mailbox/driver.js';
import type { MimePart } from '../mail/mime.js';
import type { ResponseBuilder } from '../wire/encode.js';
import type { ArgCursor } from '../wire/parser.js';
import type { UpdateContext } from './commands/shared/context.js';
import type { SequenceSet } from '../values/sequence.js';
import type { ImapSession, ImapState } from './session.js';

/** What a command sees of the session, in any state. */
export interface CommandContext {
  readonly tag: string;
  readonly session: ImapSession;
  /** Queues an untagged response: `* `, what `build` writes with the encoder, CRLF. */
  untagged(build: (b: ResponseBuilder) => void): void;
  /** Queues a continuation request: `+ `, what `build` writes, CRLF (AUTHENTICATE's challenges, IDLE). */
  continuation(build: (b: ResponseBuilder) => void): void;
  /** Queues this command's tagged OK now, before it has finished (STARTTLS, ahead of its handshake). */
  taggedOk(text: string): void;
  /** Overrides the tagged OK's text and code (`code` writes the resp-text-code, without its brackets). */
  okWith(text: string, code?: ((b: ResponseBuilder) => void) | null): void;
  /** A login succeeded (LOGIN, AUTHENTICATE): the session enters the authenticated state with the user's store. */
  loggedIn(user: string, store: MailStore): void;
  /** `sel` is opened (SELECT, EXAMINE): the session enters the selected state. */
  select(sel: Selected): void;
  /**
   * The selection ends (CLOSE, UNSELECT, a SELECT of another mailbox, DELETE or RENAME of the selected one, LOGOUT):
   * the session is in the authenticated state again (or stays logging out). Returns what was selected, for the
   * caller to close; null if nothing was.
   */
  unselect(): Selected | null;
  /** STARTTLS completed its handshake. */
  tlsStarted(): void;
  /** COMPRESS turned compression on (both directions, from its tagged OK on). */
  compressionStarted(): void;
  /** Turns `capability` on for the rest of the connection (ENABLE, CONDSTORE's enabling commands); true if it was off. */
  enable(capability: string): boolean;
}

/** The context of a command valid only once logged in (authenticated or selected state): the user's store. */
export interface AuthenticatedContext extends CommandContext {
  readonly store: MailStore;
}

/**
 * The context of a command valid only in the selected state: the mailbox it was given (still the selected one,
 * unless the command itself ends the selection with {@link CommandContext.unselect}).
 */
export interface SelectedContext extends AuthenticatedContext {
  readonly selected: Selected;
}

/**
 * A command as written (one per RFC command, in commands/): `parse` and `run` are linked by their argument type
 * `A`, which {@link defineCommand} checks and then hides; `C` is the context its states give it.
 */
interface CommandSpec<A, C, S extends ImapState> {
  /** 'FETCH', 'UID FETCH', ... */
  readonly name: string;
  readonly states: readonly S[];
  /** May untagged EXPUNGE responses follow this command (false for FETCH, STORE, SEARCH: RFC 3501 §7.4.1)? */
  readonly expungeSafe: boolean;
  /** Parses the arguments after the command name (pure; throws ParseError -> BAD). */
  parse(args: ArgCursor): A;
  run(ctx: C, args: A): Promise<void>;
}

/** A table entry whose run takes context `C`; `needs` says which, so that the session hands the right one. */
interface CommandOf<K extends string, C> {
  readonly needs: K;
  readonly name: string;
  readonly states: readonly ImapState[];
  readonly expungeSafe: boolean;
  /** Parses the arguments (pure; throws ParseError -> BAD); the result runs the command with them. */
  parse(args: ArgCursor): (ctx: C) => Promise<void>;
}

/** A command in the table: its parse gives the run bound to the parsed arguments, whatever their type. */
export type Command =
  | CommandOf<'any', CommandContext>
  | CommandOf<'authenticated', AuthenticatedContext>
  | CommandOf<'selected', SelectedContext>;

function bind<A, C>(spec: CommandSpec<A, C, ImapState>): (args: ArgCursor) => (ctx: C) => Promise<void> {
  return (args) => {
    const a = spec.parse(args);
    return (ctx) => spec.run(ctx, a);
  };
}

/** Makes a table entry of a command valid in any state, or before login: its run gets the plain context. */
export function defineCommand<A>(spec: CommandSpec<A, CommandContext, ImapState>): Command {
  return { needs: 'any', name: spec.name, states: spec.states, expungeSafe: spec.expungeSafe, parse: bind(spec) };
}

/** Makes a table entry of a command valid once logged in: its run gets the user's store. */
export function defineAuthenticatedCommand<A>(
  spec: CommandSpec<A, AuthenticatedContext, 'authenticated' | 'selected'>,
): Command {
  return { needs: 'authenticated', name: spec.name, states: spec.states, expungeSafe: spec.expungeSafe, parse: bind(spec) };
}

/** Makes a table entry of a command valid in the selected state only: its run gets the selected mailbox. */
export function defineSelectedCommand<A>(spec: CommandSpec<A, SelectedContext, 'selected'>): Command {
  return { needs: 'selected', name: spec.name, states: spec.states, expungeSafe: spec.expungeSafe, parse: bind(spec) };
}

/** The selected mailbox and how it was selected. */
export interface Selected {
  readonly name: string;
  readonly box: OpenMailbox;
  readonly readOnly: boolean;
  /** MIME structures by UID (clients fetch BODYSTRUCTURE, then parts); dropped with the selection. */
  readonly structures: Map<number, MimePart>;
  /**
   * The saved search result, RFC 5182's "$": UIDs (null: empty), so that an expunge drops its messages and moves no
   * number (§2.1); each use resolves it against the mailbox as it is then. Set only by a SEARCH or SORT with SAVE
   * (shared/esearch.ts). It belongs to the selection: empty when a mailbox is selected, gone when the selection ends
   * (SELECT, EXAMINE, CLOSE, UNSELECT, a failed SELECT), as §2.1 asks.
   */
  saved: SequenceSet | null;
  /**
   * RFC 5267's updating contexts, by the tag of the SEARCH or SORT that asked for them (shared/context.ts). They
   * belong to the selection: "Updates will cease when the mailbox is no longer selected" (§4.3).
   */
  readonly contexts: Map<string, UpdateContext>;
}
