export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits for a condition the system under test makes true, checking it every `everyMs`; a hang
 * is a failure with a message, not a timing check.
 */
export async function until(cond: () => boolean | Promise<boolean>, what: string | (() => string), ms = 8000, everyMs = 5): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(everyMs);
  }
}
