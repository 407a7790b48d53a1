/**
 * Mendoza effects for listener events (`effectFormat=mendoza`).
 *
 * The installed `mendoza` package (3.x) only *applies* patches (`applyPatch`, `incremental`); it has
 * no encoder/differ (the differ lives in the Go implementation). So the effects are whole-value
 * patches: opcode 0 ("Value") followed by the literal, which replaces the whole input. This is valid
 * mendoza (`sanity-io/mendoza docs/format.adoc`), it is what Sanity's bench mock Content Lake sends,
 * and it is what the Studio expects to recognise creates and deletes (`revert`/`apply` equal to
 * `[0, null]`, `store/events/getEditEvents.ts` `isDeletePatch`).
 */

/** Mendoza opcode for "push this literal value". */
const OP_VALUE = 0

export interface MendozaEffects {
  /** Patch turning `before` into `after`. */
  apply: unknown[]
  /** Patch turning `after` back into `before`. */
  revert: unknown[]
}

/** Mendoza effects `{apply, revert}` between two document states (`null`/`undefined` = absent). */
export function mendozaEffects(before: unknown, after: unknown): MendozaEffects {
  return {apply: wholeValue(after), revert: wholeValue(before)}
}

function wholeValue(value: unknown): unknown[] {
  return [OP_VALUE, value === undefined ? null : value]
}
