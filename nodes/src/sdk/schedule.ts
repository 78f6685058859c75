/**
 * When a timed trigger fires (trigger.schedule, trigger.poll): the friendly forms a
 * business user fills in, or a cron expression, turned into one cron pattern that croner
 * reads in an IANA time zone. Browser-safe: the editor checks and previews with it too.
 *
 * Daylight saving, as croner computes it: a time that does not exist on the day the
 * clocks go forward (02:30 in Europe/Warsaw on the last Sunday of March) fires once at the
 * next valid time (03:00); a time that happens twice when they go back fires once, the
 * first time. "Every N minutes/hours" counts real time through both changes.
 */
import { Cron } from 'croner';
import { z } from 'zod';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** Intervals that divide an hour or a day evenly, so firings fall on the same minutes every time. */
export const MINUTE_STEPS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30] as const;
export const HOUR_STEPS = [1, 2, 3, 4, 6, 8, 12] as const;

const Time = z
  .string()
  .trim()
  .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'A time of day as HH:MM, e.g. 23:30')
  .default('09:00')
  .describe('The time of day, HH:MM (24-hour).');

export const ScheduleRule = z.discriminatedUnion('every', [
  z
    .object({
      every: z.literal('minutes'),
      interval: z
        .number()
        .int()
        .refine((n) => (MINUTE_STEPS as readonly number[]).includes(n), `A number of minutes that divides an hour evenly: ${MINUTE_STEPS.join(', ')}`)
        .default(15)
        .describe(`Every how many minutes: ${MINUTE_STEPS.join(', ')}.`),
    })
    .strict(),
  z
    .object({
      every: z.literal('hours'),
      interval: z
        .number()
        .int()
        .refine((n) => (HOUR_STEPS as readonly number[]).includes(n), `A number of hours that divides a day evenly: ${HOUR_STEPS.join(', ')}`)
        .default(1)
        .describe(`Every how many hours: ${HOUR_STEPS.join(', ')}.`),
      minute: z.number().int().min(0).max(59).default(0).describe('At which minute past the hour.'),
    })
    .strict(),
  z.object({ every: z.literal('day'), time: Time }).strict(),
  z
    .object({
      every: z.literal('weekdays'),
      days: z.array(z.enum(WEEKDAYS)).min(1, 'Choose at least one day').default(['mon', 'tue', 'wed', 'thu', 'fri']).describe('On which days of the week.'),
      time: Time,
    })
    .strict(),
  z
    .object({
      every: z.literal('month'),
      day: z.union([z.number().int().min(1).max(31), z.literal('last')]).default(1).describe('Which day of the month (1–31, or "last"); a month without that day is skipped.'),
      time: Time,
    })
    .strict(),
  z
    .object({
      every: z.literal('cron'),
      expression: z.string().trim().min(1).max(200).describe('A cron expression: minute hour day-of-month month day-of-week, e.g. "30 23 * * *".'),
    })
    .strict(),
]);
export type ScheduleRule = z.infer<typeof ScheduleRule>;

/** The rule as a cron pattern (minute hour day month weekday). */
export function cronOf(rule: ScheduleRule): string {
  const hm = (time: string) => {
    const [h, m] = time.split(':');
    return `${Number(m)} ${Number(h)}`;
  };
  switch (rule.every) {
    case 'minutes':
      return `*/${rule.interval} * * * *`;
    case 'hours':
      return `${rule.minute} */${rule.interval} * * *`;
    case 'day':
      return `${hm(rule.time)} * * *`;
    case 'weekdays':
      return `${hm(rule.time)} * * ${[...new Set(rule.days)].map((d) => (WEEKDAYS.indexOf(d) + 1) % 7).join(',')}`;
    case 'month':
      return `${hm(rule.time)} ${rule.day === 'last' ? 'L' : rule.day} * *`;
    case 'cron':
      return rule.expression;
  }
}

/** True when `zone` is an IANA time zone this system knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

let instanceZone = 'UTC';

/**
 * The time zone of this Junction (JUNCTION_TIMEZONE), for workflows that name none; set
 * once when a process starts.
 */
export function setInstanceTimeZone(zone: string): void {
  if (!isTimeZone(zone)) throw new Error(`"${zone}" is not a time zone (an IANA name such as Asia/Taipei or Europe/Warsaw)`);
  instanceZone = zone;
}

/** The zone a node or workflow runs in: its own when it names one, else this Junction's (else UTC). */
export function zoneOf(...zones: (string | undefined)[]): string {
  return zones.find((zone) => zone) || instanceZone;
}

/** How far ahead a schedule must fire at least once, or it counts as never firing. */
const HORIZON_MS = 5 * 366 * 86_400_000;
/** The shortest time allowed between two firings. */
export const MIN_INTERVAL_MS = 60_000;

/**
 * What is wrong with the rule in this time zone, in a sentence; null when nothing is: a
 * pattern croner cannot read, one that never fires (the 30th of February), one that
 * fires more often than once a minute.
 */
export function scheduleProblem(rule: ScheduleRule, zone: string, from = new Date()): string | null {
  if (!isTimeZone(zone)) return `"${zone}" is not a time zone (an IANA name such as Asia/Taipei or Europe/Warsaw)`;
  const pattern = cronOf(rule);
  if (pattern.trim().split(/\s+/).length > 5) return 'Give five fields (minute hour day month weekday): Junction fires at most once a minute';
  let cron: Cron;
  try {
    cron = new Cron(pattern, { timezone: zone, paused: true });
  } catch (error) {
    return `Not a cron expression Junction can read: ${(error as Error).message}`;
  }
  const runs = cron.nextRuns(3, from);
  if (runs.length === 0 || runs[0]!.getTime() - from.getTime() > HORIZON_MS) return 'This schedule never fires';
  for (let i = 1; i < runs.length; i++) {
    if (runs[i]!.getTime() - runs[i - 1]!.getTime() < MIN_INTERVAL_MS) return 'This schedule fires more often than once a minute';
  }
  return null;
}

/** The next `count` firings strictly after `after`. */
export function nextFirings(rule: ScheduleRule, zone: string, after: Date, count: number): Date[] {
  return new Cron(cronOf(rule), { timezone: zone, paused: true }).nextRuns(count, after);
}

/** The firings in (`after`, `until`], oldest first, at most `limit` (the latest ones when there are more). */
export function firingsBetween(rule: ScheduleRule, zone: string, after: Date, until: Date, limit: number): Date[] {
  const cron = new Cron(cronOf(rule), { timezone: zone, paused: true });
  const found: Date[] = [];
  for (let at = cron.nextRun(after); at && at <= until; at = cron.nextRun(at)) {
    found.push(at);
    if (found.length > limit) found.shift();
  }
  return found;
}
