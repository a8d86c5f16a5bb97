/**
 * Slack reads `<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^…>` and `<@U…>` as live
 * mentions in any mrkdwn or message text, and `&lt;` etc. as entities. Relayed text is written by
 * people in other communities, so one careless (or hostile) ask could ping a whole workspace.
 * Escaping the three control characters makes every such sequence display as typed and never
 * notify anyone; Slack documents exactly these three escapes.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Cuts text into pieces of at most `max` characters, preferring a line break, then a space,
 * so a long ask or digest splits where a reader expects it. Never cuts inside an escape
 * sequence (`&amp;`), which would show as garbage.
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    const amp = rest.lastIndexOf('&', cut - 1);
    if (amp >= 0 && cut - amp < 6 && rest.indexOf(';', amp) >= cut) cut = amp;
    if (cut <= 0) cut = max;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

/** Slack plain_text fields have hard limits; an over-long value makes the whole call fail. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
