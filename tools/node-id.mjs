// Prints the identity of the node that runs it, one `key=value` a line: what the start-up snapshots and the
// ABI-specific native modules (fs-ext) are built for. `make` writes it to build/node.id on every run (kept when
// unchanged, so that only a change of node rebuilds); tools/bundle.mjs records it beside the snapshots it made
// (dist/bundle/bin/node.id); tools/install.sh compares it with the node the installed programs will name; the
// servers read it when they start without their snapshot (bin/build-check.ts).
//
// - version: a snapshot loads only into the Node version that made it (node refuses it with exit status 14);
// - modules: process.versions.modules, the ABI (NODE_MODULE_VERSION) a NAN module such as fs-ext is built for;
// - path, mtime (ns), size, ino: the binary itself. Two builds of one version can differ, and the start-up scripts
//   can only look at the binary (its mtime, with the shell's `-nt`/`-ot`), never run it to ask.
import { realpathSync, statSync } from 'node:fs';
import process from 'node:process';

const path = realpathSync(process.execPath);
const st = statSync(path, { bigint: true });
process.stdout.write([
  `version=${process.version}`,
  `modules=${process.versions.modules}`,
  `path=${path}`,
  `mtime=${st.mtimeNs}`,
  `size=${st.size}`,
  `ino=${st.ino}`,
].join('\n') + '\n');
