/** The one-line message for any error: the message itself, never a stack. */
export function errorLine(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] || err.name;
  return String(err);
}
