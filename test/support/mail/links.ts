import { expect } from 'vitest';
import type { ReadMail } from './mailbox.js';

/** The links in a mail's text part, with the press each one carries (the token's signed body, read as is). */
export function linksIn(mail: ReadMail): { url: string; token: string; actionId: string; personal: boolean }[] {
  const out: { url: string; token: string; actionId: string; personal: boolean }[] = [];
  for (const m of mail.text.matchAll(/https?:\/\/\S+\/email\/link\?t=([A-Za-z0-9_.-]+)/g)) {
    const token = m[1]!;
    const body = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { a: string; u?: string };
    out.push({ url: m[0], token, actionId: body.a, personal: body.u !== undefined });
  }
  return out;
}

export function linkFor(mail: ReadMail, actionId: string): { url: string; token: string; personal: boolean } {
  const found = linksIn(mail).find((l) => l.actionId === actionId);
  if (!found)
    throw new Error(
      `mail ${mail.messageId} has no link for ${actionId}; it has ${linksIn(mail)
        .map((l) => l.actionId)
        .join(', ')}`,
    );
  return found;
}

/** The link of the button labelled `label` (the text part writes `Label: URL`). */
export function linkByLabel(mail: ReadMail, label: string): { url: string; token: string; actionId: string; personal: boolean } {
  const line = mail.text.split('\n').find((l) => l.startsWith(`${label}: http`));
  const found = linksIn(mail).find((l) => line?.endsWith(l.url));
  if (!found) throw new Error(`mail ${mail.messageId} has no button "${label}"`);
  return found;
}

/** What a browser's form POST sends. */
export async function postForm(url: string, fields: Record<string, string>): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  const res = await fetch(`${u.origin}${u.pathname}${u.search}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, body: await res.text() };
}

/** Opens a link page (as a mail scanner would) and checks it only shows a form. */
export async function openLink(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  const body = await res.text();
  expect(body).toContain('<form method="post"');
  return body;
}
