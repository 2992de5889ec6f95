/** Messages for APPEND: the MIME fixtures (8-bit headers, attachments, nested message/rfc822), with CRLF. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './sandbox.js';

let cache: string[] | null = null;

export function messages(): readonly string[] {
  cache ??= readdirSync(join(FIXTURES, 'mime')).filter((f) => f.endsWith('.eml')).sort()
    .map((f) => readFileSync(join(FIXTURES, 'mime', f), 'latin1').replace(/\r?\n/g, '\r\n'));
  return cache;
}
