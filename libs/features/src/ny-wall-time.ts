// US Eastern time without Intl: the rules are fixed by statute, and the per-row cost of
// Intl.DateTimeFormat would dominate kernels that convert millions of timestamps.
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Day of month of the n-th Sunday (n ≥ 1) of a month (month 1-12). */
function nthSunday(year: number, month: number, n: number): number {
  const firstDow = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return 1 + ((7 - firstDow) % 7) + 7 * (n - 1);
}

/** Last Sunday of a month (month 1-12). */
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month, 0));
  return last.getUTCDate() - last.getUTCDay();
}

/**
 * True when the New York local date (year, month, day) at `hour` local time is daylight-saving
 * time. Since 2007: second Sunday of March 02:00 to first Sunday of November 02:00; 1987-2006:
 * first Sunday of April to last Sunday of October.
 */
function isEasternDst(year: number, month: number, day: number, hour: number): boolean {
  const [startMonth, startDay, endMonth, endDay] =
    year >= 2007 ? [3, nthSunday(year, 3, 2), 11, nthSunday(year, 11, 1)] : [4, nthSunday(year, 4, 1), 10, lastSunday(year, 10)];
  const key = month * 100 + day;
  const start = startMonth * 100 + startDay;
  const end = endMonth * 100 + endDay;
  if (key === start) return hour >= 2;
  if (key === end) return hour < 1; // 01:00-02:00 repeats; the later (standard) reading is taken
  return key > start && key < end;
}

/**
 * UTC epoch ms of a New York wall-clock time (`date` YYYY-MM-DD, hour and minute local).
 * Internal: core's calendar is the public API for this; features keeps a statute-based copy so
 * that its kernels stay allocation-free.
 */
export function nyWallTimeToUtcMs(year: number, month: number, day: number, hour: number, minute: number): number {
  const offsetHours = isEasternDst(year, month, day, hour) ? 4 : 5;
  return Date.UTC(year, month - 1, day, hour, minute) + offsetHours * HOUR;
}

/** New York calendar date and minute of day of a UTC epoch ms (inverse of {@link nyWallTimeToUtcMs}). */
export function utcMsToNyWallTime(ms: number): { year: number; month: number; day: number; minuteOfDay: number } {
  // Try standard time first, then check the DST rule on the resulting local date.
  for (const offsetHours of [4, 5]) {
    const local = new Date(ms - offsetHours * HOUR);
    const year = local.getUTCFullYear();
    const month = local.getUTCMonth() + 1;
    const day = local.getUTCDate();
    const hour = local.getUTCHours();
    if (isEasternDst(year, month, day, hour) === (offsetHours === 4)) {
      return { year, month, day, minuteOfDay: hour * 60 + local.getUTCMinutes() };
    }
  }
  const local = new Date(ms - 5 * HOUR);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(), minuteOfDay: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

export const MS_PER_DAY = DAY;
