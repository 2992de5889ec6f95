import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probedExtension } from '../../lib/imap/commands/probes.js';
import { commandTable } from '../../lib/imap/commands/table.js';

describe('capability probes', () => {
  it('names no command the table has (a command implemented is no longer a probe)', () => {
    for (const name of commandTable().keys()) assert.equal(probedExtension(name), undefined, name);
  });

  it('knows the registry commands clients probe with, by their extension', () => {
    assert.equal(probedExtension('GETQUOTAROOT'), 'QUOTA');
    assert.equal(probedExtension('SETMETADATA'), 'METADATA');
    assert.equal(probedExtension('GETMETADATA'), 'METADATA');
    assert.equal(probedExtension('MYRIGHTS'), 'ACL');
    assert.equal(probedExtension('UID REPLACE'), 'REPLACE');
    assert.equal(probedExtension('FROBNICATE'), undefined);
    assert.equal(probedExtension('XLIST'), undefined);
  });
});
