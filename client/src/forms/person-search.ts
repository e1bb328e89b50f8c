/**
 * The staff's "search by name or e-mail": what was typed, trimmed and in any case, is in the
 * person's name or e-mail; nothing typed matches everyone.
 */
export function personMatcher(typed: string): (person: { name: string; email?: string | null }) => boolean {
  const needle = typed.trim().toLocaleLowerCase();
  return (person) => !needle || person.name.toLocaleLowerCase().includes(needle) || (person.email ?? '').toLocaleLowerCase().includes(needle);
}
