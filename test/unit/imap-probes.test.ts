import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probedExtension } from '../../lib/imap/commands/probes.js';
import { commandTable } from '../../lib/imap/commands/table.js';

describe('capability probes', () => {
  it('names no command the table has (a command implemented is no longer a probe)', () => {
    for (const name of commandTable().keys()) assert.equal(probedExtension(name), undefined, name);
  });

  it('knows the registry commands clients probe with, by their extension', () => {
    assert.equal(probedExtension('UNAUTHENTICATE'), 'UNAUTHENTICATE');
    assert.equal(probedExtension('URLFETCH'), 'URLAUTH');
    assert.equal(probedExtension('GETANNOTATION'), 'ANNOTATE-EXPERIMENT-1');
    assert.equal(probedExtension('MYRIGHTS'), 'ACL');
    assert.equal(probedExtension('UID CONVERT'), 'CONVERT');
    // A command this server has is no probe (REPLACE, RFC 8508).
    assert.equal(probedExtension('UID REPLACE'), undefined);
    assert.equal(probedExtension('FROBNICATE'), undefined);
    assert.equal(probedExtension('XLIST'), undefined);
    assert.equal(probedExtension('GETQUOTAROOT'), undefined);
    assert.equal(probedExtension('GETMETADATA'), undefined);
    assert.equal(probedExtension('NOTIFY'), undefined);
  });
});
