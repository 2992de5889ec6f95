// Lint rules: typescript-eslint's recommended set plus the house rules of ../shared/STYLE.md
// (no `any`, no non-null `!` outside tests, nothing but the sink writes to stdout/stderr).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layer map of docs/ARCHITECTURE.md, enforced: what each lib/ folder may import from the others. Everything not
// listed is refused, so a new import across layers fails `make check` until the map says it may.
const FOLDERS = ['imap', 'pop3', 'wire', 'mail', 'values', 'mailbox', 'lock', 'auth', 'io', 'env', 'native'];
const MAY_IMPORT = {
  values: [],
  wire: ['values'],
  mail: ['values', 'wire'],
  imap: ['values', 'wire', 'mail', 'mailbox', 'io', 'auth', 'env'],
  pop3: ['values', 'mailbox', 'io', 'auth', 'env'],
  mailbox: ['values', 'lock', 'native', 'env'],
  lock: ['values', 'env'],
  auth: ['values', 'env'],
  io: ['values', 'env', 'wire', 'native'],
  env: ['values'],
  native: [],
};
// Of the folders a protocol layer may import, only the interfaces and values: never an implementation that does I/O.
const PROTOCOL_REFUSES = [
  '**/mailbox/mbox/**', '**/mailbox/uw-*', '**/mailbox/maildrop-lock*', '**/io/spool*', '**/io/tls*',
  '**/env/config*', '**/env/syslog*', '**/auth/*', '!**/auth/secret.js', '!**/auth/types.js',
  '!**/auth/sasl-response.js',
];
// The pure and protocol layers never reach the OS themselves (the storage and env interfaces do it for them).
const OS_MODULES = ['fs', 'fs/promises', 'net', 'tls', 'child_process', 'os', 'dgram', 'cluster', 'worker_threads']
  .flatMap((m) => [m, `node:${m}`]);
function layerRules(folder) {
  const refused = FOLDERS.filter((f) => f !== folder && !MAY_IMPORT[folder].includes(f)).flatMap((f) => [`**/${f}`, `**/${f}/**`]);
  const protocol = folder === 'imap' || folder === 'pop3';
  const pure = ['values', 'wire', 'mail'].includes(folder);
  const patterns = [];
  if (refused.length) patterns.push({ group: refused, message: `lib/${folder} may not import this layer (docs/ARCHITECTURE.md, Layers).` });
  if (protocol) patterns.push({ group: PROTOCOL_REFUSES, message: 'Protocol code uses the storage, io and auth interfaces, not their implementations (docs/ARCHITECTURE.md).' });
  const rules = {
    'no-restricted-imports': ['error', {
      patterns,
      paths: protocol || pure ? OS_MODULES.map((name) => ({ name, message: 'No OS access in the protocol and pure layers (docs/ARCHITECTURE.md).' })) : [],
    }],
  };
  rules['no-restricted-globals'] = ['error', { name: 'process', message: 'Only bin/ reads process (docs/ARCHITECTURE.md).' }];
  return { files: [`lib/${folder}/**/*.ts`], rules };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  ...FOLDERS.map(layerRules),
  {
    // Tests, benchmarks and the admin tools may print; the daemons may not (fds 1 and 2 are the socket).
    files: ['test/**/*.ts', 'bench/**/*.ts', 'bin/mailtool.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
