/**
 * CSV injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`, `-`,
 * `@`, a tab or a carriage return as a formula. The export prefixes such a cell with one single
 * quote, which spreadsheets show as text; the import removes exactly one leading quote when the
 * cell is quotes followed by one of those characters. A value that itself starts with quotes before
 * such a character gets one more on export (`'=1` → `''=1`), so the round trip is exact.
 */
const EXPORT_QUOTED = /^'*[=+\-@\t\r]/;
const IMPORT_QUOTED = /^'+[=+\-@\t\r]/;

/** Prefixes one quote to a cell that starts with a formula character, after any quotes. */
export function neutraliseCell(value: string): string {
  return EXPORT_QUOTED.test(value) ? `'${value}` : value;
}

/** Removes the one quote the export added (a cell of quotes then a formula character). */
export function restoreCell(value: string): string {
  return IMPORT_QUOTED.test(value) ? value.slice(1) : value;
}
