import type { CountKey, PatternKey } from './types.ts';

/** Separates the parts of an aggregate id; never occurs inside a part (see `escapeKeyPart`). */
export const KEY_SEPARATOR = '#';

/** `%` → `%25`, `#` → `%23` (percent-encoding, so ids stay readable and decode with `decodeURIComponent`). */
export function escapeKeyPart(part: string): string {
  return part.includes('#') || part.includes('%') ? part.replaceAll('%', '%25').replaceAll('#', '%23') : part;
}

/**
 * Deterministic id of a count aggregate:
 * `<region>#c#<tenant>#<service>#<windowStart>#<level>[#<dim>=<value>]…`, dims sorted by name, every free-text
 * part escaped. It starts with `<region>#` as every aggregate item key must (IAM LeadingKeys). Dim names are field
 * paths, which contain neither `#`, `%` nor `=`, so the first `=` of a dim part ends its name.
 */
export function countKeyId(key: CountKey): string {
  let id = `${escapeKeyPart(key.region)}#c#${escapeKeyPart(key.tenant)}#${escapeKeyPart(key.service)}#${key.windowStart}#${key.level}`;
  for (const name of Object.keys(key.dims).sort()) id += `#${name}=${escapeKeyPart(key.dims[name]!)}`;
  return id;
}

/** Deterministic id of a pattern aggregate: `<region>#p#<tenant>#<service>#<windowStart>#<template>`. */
export function patternKeyId(key: PatternKey): string {
  return `${escapeKeyPart(key.region)}#p#${escapeKeyPart(key.tenant)}#${escapeKeyPart(key.service)}#${key.windowStart}#${escapeKeyPart(key.template)}`;
}
