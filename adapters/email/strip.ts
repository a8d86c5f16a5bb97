/**
 * The new words of a reply: the quoted mail below it and the signature go. Clients quote in
 * several ways (Gmail and Apple Mail "On <date>, <name> wrote:", Outlook's "-----Original
 * Message-----" or a "From:" header block, "> " prefixes); RFC 3676 marks a signature with
 * "-- " on its own line. Only what the person wrote above those is relayed.
 */
const QUOTE_HEADERS = [
  /^On\b.{0,300}\bwrote:\s*$/i,
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^-{2,}\s*Forwarded message\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
  /^From:\s.+$/,
  /^Le .{0,300} a écrit\s*:\s*$/i,
  /^Am .{0,300} schrieb .{0,300}:\s*$/i,
];
const SIGNATURES = [/^--\s?$/, /^Sent from my \w+/i, /^Get Outlook for /i];

export function stripReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const next = lines[i + 1] ?? '';
    if (SIGNATURES.some((r) => r.test(line))) break;
    if (QUOTE_HEADERS.some((r) => r.test(line))) break;
    // "On Tue, 3 Dec 2026 at 10:00, Jane <jane@x>" / "wrote:" wrapped over two lines.
    if (/^On\b/i.test(line) && /^.{0,200}\bwrote:\s*$/i.test(next) && QUOTE_HEADERS[0]!.test(`${line} ${next}`)) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n').trim();
}
