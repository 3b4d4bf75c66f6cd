/**
 * "09:00 in the recipient's timezone" as an instant. Hand-written on Intl (no date library is
 * installed; Temporal is not in Node 20): the zone's UTC offset at an instant comes from
 * Intl.DateTimeFormat's parts, and a wall time is turned into an instant by subtracting the offset
 * found at a first guess, then re-checking it at the result (which settles every DST change).
 * A wall time that does not exist (the hour skipped when clocks go forward) lands one hour later,
 * the way the clocks do; an ambiguous one (the hour repeated in autumn) is its first occurrence.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

/** The wall clock in `timeZone` at `instant`. */
export function wallTime(instant: number, timeZone: string): Wall {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { y: parts.year!, mo: parts.month!, d: parts.day!, h: parts.hour!, mi: parts.minute!, s: parts.second! };
}

/** The zone's offset from UTC at `instant`, in milliseconds (east positive). */
export function zoneOffset(instant: number, timeZone: string): number {
  const w = wallTime(instant, timeZone);
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant at which the wall clock of `timeZone` shows the given date and time. */
export function instantOf(w: Wall, timeZone: string): number {
  const guess = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  const first = guess - zoneOffset(guess, timeZone);
  const second = guess - zoneOffset(first, timeZone);
  if (second === first) return first;
  // The two guesses disagree across a change: the one whose wall clock shows `w` (the earlier when
  // both do, the repeated hour), or, in a gap where neither does, the later (after the jump).
  const shows = (t: number) => {
    const x = wallTime(t, timeZone);
    return x.h === w.h && x.mi === w.mi && x.d === w.d;
  };
  const [early, late] = first < second ? [first, second] : [second, first];
  if (shows(early)) return early;
  if (shows(late)) return late;
  return late;
}

/** `HH:MM` or `HH:MM:SS` (24 h). */
export const LOCAL_TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

/**
 * The next instant, at or after `now`, when it is `time` in `timeZone`; with `date` (YYYY-MM-DD),
 * that day's `time` there (which may have passed: then it is due at once).
 */
export function nextLocalTime(time: string, timeZone: string, now: number, date?: string): number {
  const m = LOCAL_TIME_PATTERN.exec(time);
  if (!m) throw new Error(`not a local time: ${time}`);
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (date) {
    const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
    return instantOf({ y, mo, d, h, mi, s }, timeZone);
  }
  const today = wallTime(now, timeZone);
  for (let add = 0; add < 3; add++) {
    // Date.UTC normalises day overflow (the 32nd becomes the 1st of the next month).
    const day = new Date(Date.UTC(today.y, today.mo - 1, today.d + add));
    const t = instantOf({ y: day.getUTCFullYear(), mo: day.getUTCMonth() + 1, d: day.getUTCDate(), h, mi, s }, timeZone);
    if (t >= Math.floor(now / 1000) * 1000) return t;
  }
  throw new Error('unreachable: a wall time occurs at least once in any two days');
}
