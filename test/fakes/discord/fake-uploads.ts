/**
 * Request bodies as Discord reads them: JSON, or multipart/form-data when files are uploaded
 * (`payload_json` for the JSON, `files[n]` for each file), and the attachments a message with
 * files gets.
 */
import { isMultipart, parseMultipart, type FormFile } from '../multipart.js';
import type { Json } from './fake-state.js';

export interface DecodedBody {
  body: unknown;
  /** The uploaded files, for multipart requests. */
  files?: FormFile[] | undefined;
}

/** A file attached to a stored message: the API's attachment object plus its content. */
export interface FakeAttachment {
  readonly id: string;
  readonly filename: string;
  readonly content_type: string;
  readonly size: number;
  readonly url: string;
  /** The content as UTF-8, for tests to read (not part of the API's JSON). */
  readonly text: string;
}

export async function decodeBody(raw: Buffer, contentType: string): Promise<DecodedBody> {
  if (raw.length === 0) return { body: undefined };
  if (isMultipart(contentType)) {
    const form = await parseMultipart(raw, contentType);
    return { body: parseJson(form.fields['payload_json'] ?? '{}'), files: form.files };
  }
  return { body: contentType.includes('json') ? parseJson(raw.toString('utf8')) : undefined };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The attachments of a create with `files`: each `files[n]` becomes one. When the payload lists
 * `attachments`, each entry's `id` must name an uploaded `files[id]`, or Discord refuses the body
 * (50035 Invalid Form Body); the undefined result says so.
 */
export function attachmentsOf(b: Json, files: readonly FormFile[], nextId: () => string, channelId: string): FakeAttachment[] | undefined {
  const declared = Array.isArray(b['attachments']) ? (b['attachments'] as { id?: unknown; filename?: unknown }[]) : [];
  const byIndex = new Map(files.map((f) => [/^files\[(\d+)\]$/.exec(f.field)?.[1], f]));
  if (declared.some((a) => !byIndex.has(String(a.id)))) return undefined;
  return files.map((f) => {
    const id = nextId();
    return {
      id,
      filename: f.filename,
      content_type: f.contentType,
      size: f.bytes.length,
      url: `https://cdn.discordapp.com/attachments/${channelId}/${id}/${encodeURIComponent(f.filename)}`,
      text: f.bytes.toString('utf8'),
    };
  });
}
