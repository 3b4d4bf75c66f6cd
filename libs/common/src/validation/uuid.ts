const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in its canonical text form (any version). Checked before a value reaches SQL as a uuid. */
export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && UUID.test(s);
}
