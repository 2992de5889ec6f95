/**
 * The layer map of docs/ARCHITECTURE.md is enforced by the lint configuration (eslint.config.js): an import across
 * layers that the map does not allow fails `make check`. Shown here on code linted as if it lived in each layer.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: ROOT });

/** The messages of the layer rules for `code` linted as the file `path` (relative to the repository). */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return (r?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals')
    .map((m) => `${m.line}: ${m.message}`);
}

describe('layer boundaries (docs/ARCHITECTURE.md)', () => {
  it('refuses imports the map does not allow, OS access in the pure and protocol layers, and process anywhere in lib/', async () => {
    const cases: [string, string][] = [
      ['lib/wire/x.ts', "import { parseHeader } from '../mail/header.js';\nexport const y = parseHeader;\n"],
      ['lib/mail/x.ts', "import { Flag } from '../mailbox/driver.js';\nexport const y = Flag;\n"],
      ['lib/mail/x.ts', "import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n"],
      ['lib/imap/commands/x.ts', "import { MboxDriver } from '../../mailbox/mbox/mbox-driver.js';\nexport const y = MboxDriver;\n"],
      ['lib/imap/x.ts', "import { lockMaildrop } from '../mailbox/maildrop-lock.js';\nexport const y = lockMaildrop;\n"],
      ['lib/pop3/x.ts', "import { flockOp } from '../lock/fs-ext.js';\nexport const y = flockOp;\n"],
      ['lib/imap/x.ts', 'export const y = process.pid;\n'],
      ['lib/auth/x.ts', 'export const y = process.env;\n'],
      ['lib/mailbox/mbox/x.ts', 'export const y = process.pid;\n'],
      ['lib/values/x.ts', "import { SequenceSet } from '../wire/parser.js';\nexport const y = SequenceSet;\n"],
      ['lib/env/x.ts', "import { MailboxError } from '../mailbox/driver.js';\nexport const y = MailboxError;\n"],
    ];
    for (const [path, code] of cases) {
      const errors = await layerErrors(path, code);
      assert.equal(errors.length, 1, `${path}: ${code}\n${errors.join('\n')}`);
      assert.match(errors[0] ?? '', /docs\/ARCHITECTURE\.md/);
    }
  });

  it('allows what the map allows', async () => {
    const cases: [string, string][] = [
      ['lib/wire/x.ts', "import { SequenceSet } from '../values/sequence.js';\nexport const y = SequenceSet;\n"],
      ['lib/mail/x.ts', "import { Flag } from '../values/flags.js';\nexport const y = Flag;\n"],
      ['lib/imap/commands/x.ts', "import { MailboxError } from '../../mailbox/driver.js';\nimport { Secret } from '../../auth/secret.js';\nexport const y = [MailboxError, Secret];\n"],
      ['lib/mailbox/x.ts', "import { readFileSync } from 'node:fs';\nimport { flockOp } from '../lock/fs-ext.js';\nexport const y = [readFileSync, flockOp];\n"],
      ['bin/x.ts', "import { MboxDriver } from '../lib/mailbox/mbox/mbox-driver.js';\nexport const y = [MboxDriver, process.pid];\n"],
    ];
    for (const [path, code] of cases) assert.deepEqual(await layerErrors(path, code), [], `${path}: ${code}`);
  });
});
