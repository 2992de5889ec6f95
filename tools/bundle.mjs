// Builds what the installed programs run: one CommonJS bundle per program (dist/bundle/bin/NAME.cjs, from
// bin/NAME.ts) and, for the servers, a V8 start-up snapshot of it (dist/bundle/bin/NAME.blob). Run by `make build`
// from the repository root: `node tools/bundle.mjs`.
//
// Why: inetd starts one Node process per connection, so start-up is paid on every connection. Measured with
// bench/startup.ts (greeting latency beside a bare `node -e 0`, medians on a 2-CPU VM): the tsc output (~150 ES
// modules) took +74 ms, one bundle +19 ms, the bundle started from its snapshot +5 to +9 ms.
// - One file: no module resolution, no per-module reads, no ESM loader (the ESM loader also builds a facade of each
//   built-in it imports, reading every export, which loads node:crypto's webcrypto and more).
// - Lazy modules: Node's own start-up snapshot holds fs, net, stream, path, url, util, events and a few more; every
//   other built-in (node:crypto, node:tls, node:child_process, node:os, node:v8, ...) costs time to load, and so do
//   the native packages (@node-rs/bcrypt). Imports of those resolve to a stand-in whose exports are getters that
//   load the real module on first use: a session that never does TLS never loads node:tls.
// - The snapshot (`node --snapshot-blob NAME.blob --build-snapshot NAME.cjs`, Node >= 20) holds the bundle with
//   every module already compiled and initialised; bin/process.ts's runMain registers `main` as its main
//   function. A snapshot only loads into the Node version that made it (another one exits with status 14 before
//   any of our code runs), so beside the snapshots go what made them: node.id (tools/node-id.mjs: version, ABI,
//   the binary's path, mtime and size), node.stamp (an empty file with the binary's mtime, which the start-up
//   scripts bin/imapd and bin/ipop3d compare with the binary before they load a snapshot, else they run the
//   bundle) and node (a link to the binary, which the scripts in the build tree run).
//
// Paths at run time: the library finds the native addon (../../../build/uwimap-native.node) and fs-ext relative
// to `import.meta.url`. The bundles sit three directories below the root (dist/bundle/bin/), like the compiled
// dist/lib/native/native.js, so those relative paths hold; in a snapshot the place is the blob's (given by
// --snapshot-blob), since the bundle file may have been built elsewhere (DESTDIR, or the build tree).
import { spawnSync } from 'node:child_process';
import { realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { builtinModules, createRequire } from 'node:module';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

/** Built-ins Node 20 has loaded before any user code runs: importing them costs nothing, so they stay plain. */
const PRELOADED = new Set(['events', 'buffer', 'path', 'querystring', 'async_hooks', 'timers', 'util', 'fs', 'url',
  'string_decoder', 'stream', 'stream/promises', 'diagnostics_channel', 'net']);

/** Native npm packages: kept outside the bundle (they find their .node files relative to themselves), and lazy. */
const NATIVE_PACKAGES = ['@node-rs/bcrypt', 'fs-ext'];

/**
 * Built-ins loaded while the snapshot is built, so that they are in it: those every connection needs before its
 * greeting (os: host and user names; assert: posix-getopt's flag parsing), which Node restores faithfully (it warns
 * about those it does not, node:tls and node:child_process among them, and the build refuses a snapshot with
 * warnings). Not more: every module in the snapshot is deserialized on every start, and adding node:crypto,
 * node:fs/promises and node:timers/promises (needed after the greeting, if at all) made the blob 8 % larger and
 * the greeting no faster. Without a snapshot these stay lazy like the others.
 */
const SNAPSHOT_WARM = ['node:os', 'node:assert'];

/** The servers get a snapshot; mailtool is an administrator's command, not started per connection. */
const PROGRAMS = [{ name: 'imapd', snapshot: true }, { name: 'ipop3d', snapshot: true }, { name: 'mailtool', snapshot: false }];

/**
 * Defines `__uwimapMeta.url`, which stands for `import.meta.url` in the bundle: the bundle file, or in a process
 * started from a snapshot, the blob (same directory). A getter, evaluated at each use: a value computed while the
 * bundle loads would be frozen into the snapshot with the build machine's path.
 */
const BANNER = `var __uwimapMeta = { get url() {
  const a = process.execArgv, i = a.findIndex((x) => x === "--snapshot-blob" || x.startsWith("--snapshot-blob="));
  const blob = i < 0 ? null : a[i] === "--snapshot-blob" ? a[i + 1] : a[i].slice(16);
  return require("url").pathToFileURL(require("path").resolve(blob ?? __filename)).href;
} };
if (process.execArgv.includes("--build-snapshot")) for (const m of ${JSON.stringify(SNAPSHOT_WARM)}) require(m);`;

/**
 * A CommonJS stand-in for `id` whose exports are getters that load the module on first use. Built-ins come from
 * process.getBuiltinModule (Node >= 20.16) or require; packages from a require made for the bundle's place (the
 * bundle's own `require` is, in a snapshot builder, one that only knows built-ins). Export names are read here at
 * build time, from the same Node and the same package versions the program runs with.
 */
function lazyModuleSource(id, builtin) {
  const names = Object.keys(require(id)).filter((n) => n !== 'default' && n !== '__esModule');
  const load = builtin
    ? `process.getBuiltinModule?.(${JSON.stringify(id)}) ?? require(${JSON.stringify(id)})`
    : `require("module").createRequire(__uwimapMeta.url)(${JSON.stringify(id)})`;
  const props = names.map((n) => `${JSON.stringify(n)}: { enumerable: true, get: () => load()[${JSON.stringify(n)}] }`);
  return `let m;
function load() { return m ??= ${load}; }
Object.defineProperties(module.exports, {
  ${props.join(',\n  ')}
});
`;
}

/** esbuild plugin: built-ins that are not preloaded, and the native packages, become lazy stand-ins. */
const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.namespace === 'lazy') return { path: args.path, external: true }; // the stand-in's own require()
      const bare = args.path.replace(/^node:/, '');
      if (builtinModules.includes(bare)) {
        return PRELOADED.has(bare) ? { path: `node:${bare}`, external: true } : { path: `node:${bare}`, namespace: 'lazy' };
      }
      if (NATIVE_PACKAGES.includes(args.path)) return { path: args.path, namespace: 'lazy' };
      return undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: lazyModuleSource(args.path, args.path.startsWith('node:')), loader: 'js',
    }));
  },
};

await build({
  entryPoints: PROGRAMS.map((p) => `bin/${p.name}.ts`),
  outdir: 'dist/bundle/bin',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Less source to parse when there is no snapshot; identifiers are kept, so stack traces in syslog stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  define: { 'import.meta.url': '__uwimapMeta.url' },
  banner: { js: BANNER },
  plugins: [lazyModules],
  logLevel: 'warning',
});

/** V8 flags of the server scripts (bin/imapd, bin/ipop3d, tools/install.sh), which the snapshots must share. */
const SERVER_V8_FLAGS = ['--max-semi-space-size=4'];

for (const { name } of PROGRAMS.filter((p) => p.snapshot)) {
  const blob = `dist/bundle/bin/${name}.blob`;
  // The V8 flags the servers run with (bin/imapd: --max-semi-space-size) must be the ones the snapshot is built
  // with: V8 refuses a snapshot made under another configuration.
  const r = spawnSync(process.execPath, [...SERVER_V8_FLAGS, '--snapshot-blob', blob, '--build-snapshot', `dist/bundle/bin/${name}.cjs`],
    { encoding: 'utf8', env: {} });
  // Any output is a warning about a module the snapshot may not restore faithfully: refuse to ship it.
  if (r.status !== 0 || r.stdout !== '' || r.stderr !== '') {
    process.stderr.write(`tools/bundle.mjs: the snapshot of ${name} failed (status ${r.status}):\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
}

// What made the snapshots (see the top of this file). The stamp's mtime is copied by touch(1): to the nanosecond,
// as the shell's -nt and -ot compare it (fs.utimes takes seconds as a double).
const dir = 'dist/bundle/bin';
const id = spawnSync(process.execPath, ['tools/node-id.mjs'], { encoding: 'utf8' });
if (id.status !== 0) {
  process.stderr.write(`tools/bundle.mjs: tools/node-id.mjs failed:\n${id.stderr}`);
  process.exit(1);
}
writeFileSync(`${dir}/node.id`, id.stdout);
const nodePath = realpathSync(process.execPath);
symlinkSync(nodePath, `${dir}/node`);
writeFileSync(`${dir}/node.stamp`, '');
const touch = spawnSync('touch', ['-r', nodePath, `${dir}/node.stamp`], { encoding: 'utf8' });
if (touch.status !== 0) {
  process.stderr.write(`tools/bundle.mjs: touch -r ${nodePath} failed:\n${touch.stderr}`);
  process.exit(1);
}
