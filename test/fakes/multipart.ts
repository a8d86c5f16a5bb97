/**
 * multipart/form-data as the fakes receive it (Slack's upload URL, Discord's message create with
 * files), parsed by the runtime's own WHATWG parser rather than by hand, so a malformed body
 * fails here as it would on the platform.
 */

export interface FormFile {
  /** The form field, e.g. `files[0]`. */
  readonly field: string;
  readonly filename: string;
  /** The part's Content-Type ('' when the client sent none). */
  readonly contentType: string;
  readonly bytes: Buffer;
}

export interface ParsedForm {
  readonly fields: Record<string, string>;
  readonly files: FormFile[];
}

export function isMultipart(contentType: string): boolean {
  return contentType.toLowerCase().startsWith('multipart/form-data');
}

export async function parseMultipart(body: Buffer, contentType: string): Promise<ParsedForm> {
  const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  const fields: Record<string, string> = {};
  const files: FormFile[] = [];
  for (const [field, value] of form) {
    if (typeof value === 'string') fields[field] = value;
    else files.push({ field, filename: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return { fields, files };
}
