/**
 * The messages the kill tests store (append-kill.test.ts, move-kill.test.ts): each names itself on every line, so
 * that a fragment or a message cut or joined wrongly is seen at once, and has body lines beginning `From ` (quoted
 * on disk, served as written).
 */

/** A message (no `From ` line) of about `kb` KB whose every line names it, with body lines that begin `From `. */
export function message(id: string, kb: number): string {
  const lines = [`From: ${id}@sender.example`, `Subject: message ${id}`, `Message-ID: <${id}@kill.test>`, ''];
  const n = Math.max(4, Math.ceil((kb * 1024) / 64));
  for (let i = 0; i < n; i++) lines.push(i % 50 === 7 ? `From the body of ${id}, line ${i}` : `${id} line ${i} ${'x'.repeat(40)}`);
  lines.push(`END ${id}`, '');
  return lines.join('\n');
}

/** The body a client is served for {@link message}: CRLF line ends, From lines as written. */
export function servedBody(text: string): string {
  return text.slice(text.indexOf('\n\n') + 2).replace(/\n/g, '\r\n');
}
