/**
 * A session's logins, as bin/ builds them: lib/auth's login policy ({@link LoginFlow}) given what only bin/ has
 * (the native addon's PAM and crypt, timers, randomness, the client's socket and its TLS upgrade), and the login
 * part of the IMAP and POP3 session backends, the same for both.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LoginFlow } from '../lib/auth/login-flow.js';
import type { AuthResult } from '../lib/auth/types.js';
import { systemRandom } from '../lib/env/random.js';
import type { LineInput } from '../lib/io/input.js';
import type { ResponseSink } from '../lib/io/sink.js';
import { createTlsOptions, upgradeToTls } from '../lib/io/tls.js';
import type { Connection } from './connection.js';
import type { Server } from './server.js';

/**
 * The login flow of a session reading `input` and writing `sink` on `conn`. Reads the TLS key and cram-md5.pwd now
 * (call while root). `tlsActive`: the connection is already encrypted (implicit TLS).
 */
export function sessionLogin(server: Server, conn: Connection, service: 'imap' | 'pop', input: LineInput,
  sink: ResponseSink, tlsActive: boolean): LoginFlow {
  let options = null;
  try {
    options = conn.socket && !tlsActive ? createTlsOptions(server.config, service === 'imap' ? 'imapd' : 'ipop3d') : null;
  } catch (e) {
    server.logger.log('err', `TLS not offered: ${(e as Error).message}`);
  }
  const socket = conn.socket;
  const tlsOptions = options;
  return new LoginFlow({
    config: server.config, service, accounts: server.accounts, logger: server.logger, clock: server.clock,
    hostname: server.hostname,
    pam: (pamService, user, password, rhost) => server.native().pamAuthenticate(pamService, user, password, rhost),
    crypt: (phrase, setting) => server.native().crypt(phrase, setting),
    random: (n) => systemRandom.bytes(n),
    sleep: (ms) => sleep(ms).then(() => undefined),
    client: { address: conn.remoteAddress, host: conn.clientHost, loopback: conn.loopback },
    tlsActive,
    startTls: tlsOptions && socket ? async () => {
      const tlsSocket = await upgradeToTls(socket, tlsOptions);
      input.switchTo(tlsSocket);
      await sink.switchTo(tlsSocket);
    } : null,
  });
}

/** The login members of a session backend (ImapBackend, Pop3Backend), which the flow answers. */
interface LoginSteps {
  plaintextAllowed(): boolean;
  mechanisms(): readonly string[];
  login: LoginFlow['login'];
  sasl: LoginFlow['sasl'];
  loginFailed(): Promise<boolean>;
  readonly tls: LoginFlow['tls'];
}

/** A session backend: `own`'s members and the login steps of `flow` (its `tls` read at each use). */
export function loginBackend<T extends object>(flow: LoginFlow, own: T): T & LoginSteps {
  return {
    ...own,
    plaintextAllowed: () => flow.plaintextAllowed(),
    mechanisms: () => flow.mechanisms(),
    login: (user, password) => flow.login(user, password),
    sasl: (mechanism) => flow.sasl(mechanism),
    loginFailed: () => flow.loginFailed(),
    get tls() {
      return flow.tls;
    },
  };
}

const alreadyLoggedIn = async (): Promise<AuthResult> => ({ ok: false, reason: 'unavailable', detail: 'already logged in' });

/** A preauthenticated session's backend: `own`'s members, and no login of any kind offered. */
export function preauthBackend<T extends object>(own: T): T & LoginSteps {
  return {
    ...own,
    plaintextAllowed: () => false, mechanisms: () => [], login: alreadyLoggedIn, sasl: () => null,
    loginFailed: async () => false, tls: null,
  };
}
