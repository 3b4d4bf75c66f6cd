/**
 * Limits on a template's source, checked by one linear scan BEFORE Handlebars sees it.
 *
 * Handlebars' parser and compiler are not linear in what a tenant can write: 5,000 nested
 * `{{#if}}` blocks (80 KB) took 41 s to refuse, and 1,000 plain `{{a}}` tags take 60-170 ms to
 * compile on a loaded core. The scan refuses a source that is too big, too deep or has too many
 * tags in well under a millisecond per KB, with 400 naming the field and the position; what it
 * lets through is compiled off the event loop (template-compiler.ts) and rendered with bounded
 * `#each` iterations and output (TemplateRenderer). Hand-written because Handlebars offers no
 * such bounds and its own tokenizer is the slow part being guarded.
 */
export const TEMPLATE_LIMITS = {
  /** Characters per content field (the DTOs cap some fields lower). */
  maxChars: 100_000,
  /** Nested blocks (`{{#…}}` / `{{^…}}` … `{{/…}}`). */
  maxBlockDepth: 16,
  /** Mustache tags (`{{…}}`, `{{{…}}}`, `{{!…}}` comments excluded). */
  maxTags: 1_000,
  /** Nested sub-expressions `(helper (helper …))` inside one tag. */
  maxSubexpressionDepth: 8,
  /** Characters inside all tags together (the tokenizer's cost grows with them, not with plain text). */
  maxTagChars: 20_000,
  /** `#each` iterations in one render of one field, all blocks together. */
  maxEachIterations: 10_000,
  /** Characters one field may render to. */
  maxRenderedChars: 1_000_000,
} as const;

export interface TemplateProblem {
  message: string;
  line: number;
  column: number;
}

/**
 * Checks one source; returns the first limit it breaks (with a 1-based line and column), or null.
 * Partials (`{{> …}}`) and decorators (`{{* …}}`, `{{#* …}}`) are refused: nothing registers a
 * partial, and an inline partial can call itself (unbounded recursion at render).
 */
export function checkTemplateSource(source: string): TemplateProblem | null {
  const L = TEMPLATE_LIMITS;
  const at = (offset: number, message: string): TemplateProblem => ({ message, ...position(source, offset) });
  if (source.length > L.maxChars) return at(L.maxChars, `at most ${L.maxChars} characters`);
  let depth = 0;
  // Per open block, its `{{else if …}}` links: Handlebars nests each one as a program inside the
  // block, so a chain counts as depth until the block closes.
  const chains: number[] = [];
  let tags = 0;
  let tagChars = 0;
  let i = 0;
  const n = source.length;
  while (i < n) {
    const open = source.indexOf('{{', i);
    if (open < 0) break;
    if (open > 0 && source[open - 1] === '\\') {
      // `\{{` is an escaped (literal) mustache
      i = open + 2;
      continue;
    }
    let j = open + 2;
    // Comments: {{!-- … --}} may contain }}; {{! … }} may not.
    if (source[j] === '~') j++;
    if (source[j] === '!') {
      const long = source.startsWith('--', j + 1);
      const end = source.indexOf(long ? '--}}' : '}}', j);
      if (end < 0) return null; // unterminated: Handlebars reports it
      i = end + (long ? 4 : 2);
      continue;
    }
    if (++tags > L.maxTags) return at(open, `at most ${L.maxTags} tags`);
    while (source[j] === '{') j++; // {{{ … }}} and raw blocks {{{{ … }}}}
    if (source[j] === '~') j++;
    const kind = source[j];
    if (kind === '>' || kind === '*' || ((kind === '#' || kind === '^') && (source[j + 1] === '>' || source[j + 1] === '*'))) {
      return at(open, 'partials and decorators are not supported');
    }
    // The tag's content: up to }}, outside string literals; sub-expressions counted by parentheses.
    let sub = 0;
    let k = j;
    let quote: string | null = null;
    for (; k < n; k++) {
      const c = source[k]!;
      if (quote) {
        if (c === quote) quote = null;
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '(') {
        if (++sub > L.maxSubexpressionDepth) return at(k, `at most ${L.maxSubexpressionDepth} nested sub-expressions`);
      } else if (c === ')') sub = Math.max(0, sub - 1);
      else if (c === '}' && source[k + 1] === '}') break;
    }
    tagChars += k - open;
    if (tagChars > L.maxTagChars) return at(open, `at most ${L.maxTagChars} characters inside tags`);
    const deeper = () => (++depth > L.maxBlockDepth ? at(open, `blocks nest at most ${L.maxBlockDepth} deep`) : null);
    if (kind === '#' || (kind === '^' && !isElse(source, j + 1, k))) {
      chains.push(0);
      const p = deeper();
      if (p) return p;
    } else if (kind === '/') {
      depth = Math.max(0, depth - 1 - (chains.pop() ?? 0));
    } else if (chains.length && /^else\s+[^\s~]/.test(source.slice(j, k))) {
      chains[chains.length - 1]!++;
      const p = deeper();
      if (p) return p;
    }
    if (k >= n) break;
    i = k + 2;
  }
  return null;
}

/** `{{^}}` (with optional ~ and spaces) is Handlebars' other spelling of `{{else}}`. */
function isElse(source: string, from: number, to: number): boolean {
  return /^[\s~]*$/.test(source.slice(from, to));
}

/** 1-based line and column of an offset. */
export function position(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
