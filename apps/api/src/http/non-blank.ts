import { invalidField } from './api-error.ts'

/** `value` without surrounding spaces; a 400 naming `field` when nothing is left. */
export function nonBlank(value: string, field: string): string {
  const trimmed = value.trim()
  if (!trimmed) throw invalidField(field, 'must not be blank')
  return trimmed
}
