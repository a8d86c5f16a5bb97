import type { Button, PersonRef } from '../../src/ports/index.js';
import type { FormInput } from './world-types.js';

/**
 * What a platform accepts from a form submission: only a button that opens a form takes one,
 * a text form takes text within its length, and a person form picks a member of the
 * presser's own community (as Slack's users_select and Discord's user select do).
 */
export function checkForm(
  person: PersonRef,
  button: Button,
  form: FormInput | undefined,
  nameOf: (member: PersonRef) => string,
): { text?: string; person?: { id: string; name: string } } | undefined {
  if (!button.form) {
    if (form !== undefined) throw new Error(`press: button ${button.id} opens no form`);
    return undefined;
  }
  if (form === undefined) throw new Error(`press: button ${button.id} opens a form; pass its submission`);
  if (button.form.kind === 'text') {
    const text = 'text' in form ? form.text : undefined;
    if (typeof text !== 'string') throw new Error(`press: form of ${button.id} wants { text }`);
    const max = button.form.maxLength;
    if (max !== undefined && text.length > max) throw new Error(`press: form text longer than ${max}`);
    return { text };
  }
  const picked = 'person' in form ? form.person : undefined;
  if (!picked) throw new Error(`press: form of ${button.id} wants { person }`);
  if (picked.network !== person.network || picked.community !== person.community) {
    throw new Error(`press: a person form picks members of ${person.community} only`);
  }
  return { person: { id: picked.user, name: nameOf(picked) } };
}
