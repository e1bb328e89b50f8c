import type { z } from 'zod';

type Translate = (key: string, values?: Record<string, unknown>) => string;

/**
 * The first problem of each field of a form, in the reader's language, from the shared schema's
 * validation: the same rules the server applies, checked before sending.
 */
export function fieldErrors(issues: readonly z.core.$ZodIssue[], t: Translate): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    if (errors[field]) continue;
    errors[field] =
      issue.code === 'too_small' ? t('ui.errors.required') :
      issue.code === 'too_big' ? t('ui.errors.tooLong') :
      issue.code === 'invalid_format' ? t('ui.errors.format') :
      t('ui.errors.invalid');
  }
  return errors;
}
