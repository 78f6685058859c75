import { describe, expect, it } from 'vitest';
import { cronOf, firingsBetween, nextFirings, ScheduleRule, scheduleProblem } from './schedule.ts';

const rule = (input: unknown) => ScheduleRule.parse(input);
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('schedule rules', () => {
  it('turn the friendly forms into cron', () => {
    expect(cronOf(rule({ every: 'minutes', interval: 15 }))).toBe('*/15 * * * *');
    expect(cronOf(rule({ every: 'hours', interval: 2, minute: 5 }))).toBe('5 */2 * * *');
    expect(cronOf(rule({ every: 'day', time: '23:30' }))).toBe('30 23 * * *');
    expect(cronOf(rule({ every: 'weekdays', days: ['mon', 'wed', 'sun'], time: '08:05' }))).toBe('5 8 * * 1,3,0');
    expect(cronOf(rule({ every: 'month', day: 'last', time: '18:00' }))).toBe('0 18 L * *');
    expect(cronOf(rule({ every: 'cron', expression: '0 9 * * 1-5' }))).toBe('0 9 * * 1-5');
  });

  it('refuse intervals that do not divide the hour or the day, and times that are not times', () => {
    expect(ScheduleRule.safeParse({ every: 'minutes', interval: 7 }).success).toBe(false);
    expect(ScheduleRule.safeParse({ every: 'hours', interval: 5 }).success).toBe(false);
    expect(ScheduleRule.safeParse({ every: 'day', time: '24:00' }).success).toBe(false);
    expect(ScheduleRule.safeParse({ every: 'weekdays', days: [], time: '09:00' }).success).toBe(false);
  });

  it('say what is wrong: never fires, more than once a minute, not cron, not a time zone', () => {
    expect(scheduleProblem(rule({ every: 'cron', expression: '0 0 30 2 *' }), 'UTC')).toBe('This schedule never fires');
    expect(scheduleProblem(rule({ every: 'cron', expression: '* * * * * *' }), 'UTC')).toMatch(/at most once a minute/);
    expect(scheduleProblem(rule({ every: 'cron', expression: 'every monday' }), 'UTC')).toMatch(/^Not a cron expression/);
    expect(scheduleProblem(rule({ every: 'day', time: '09:00' }), 'Mars/Olympus')).toMatch(/not a time zone/);
    expect(scheduleProblem(rule({ every: 'day', time: '09:00' }), 'Asia/Taipei')).toBeNull();
  });

  it('fire in the time zone given: 09:00 on weekdays in Asia/Taipei is 01:00 UTC', () => {
    const firings = nextFirings(rule({ every: 'weekdays', days: ['mon', 'tue', 'wed', 'thu', 'fri'], time: '09:00' }), 'Asia/Taipei', new Date('2026-12-04T12:00:00Z'), 3);
    expect(iso(firings)).toEqual(['2026-12-07T01:00:00.000Z', '2026-12-08T01:00:00.000Z', '2026-12-09T01:00:00.000Z']);
  });

  it('Europe/Warsaw, clocks forward: 02:30 does not exist and fires once, at 03:00', () => {
    const firings = nextFirings(rule({ every: 'day', time: '02:30' }), 'Europe/Warsaw', new Date('2026-03-28T12:00:00Z'), 2);
    // 2026-03-29 03:00 CEST = 01:00 UTC; the next day 02:30 CEST again.
    expect(iso(firings)).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('Europe/Warsaw, clocks back: 02:30 happens twice and fires once', () => {
    const firings = firingsBetween(rule({ every: 'day', time: '02:30' }), 'Europe/Warsaw', new Date('2026-10-24T12:00:00Z'), new Date('2026-10-26T12:00:00Z'), 10);
    expect(iso(firings)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('every 30 minutes counts real time through the repeated hour', () => {
    const firings = firingsBetween(rule({ every: 'minutes', interval: 30 }), 'Europe/Warsaw', new Date('2026-10-25T00:00:00Z'), new Date('2026-10-25T02:00:00Z'), 10);
    expect(iso(firings)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-25T02:00:00.000Z']);
  });

  it('America/New_York: 02:00 on the spring day fires at 03:00 EDT; 01:00 on the fall day once', () => {
    expect(iso(nextFirings(rule({ every: 'day', time: '02:00' }), 'America/New_York', new Date('2026-03-08T00:00:00Z'), 1))).toEqual(['2026-03-08T07:00:00.000Z']);
    const fall = firingsBetween(rule({ every: 'day', time: '01:00' }), 'America/New_York', new Date('2026-11-01T00:00:00Z'), new Date('2026-11-02T00:00:00Z'), 10);
    expect(iso(fall)).toEqual(['2026-11-01T05:00:00.000Z']);
  });

  it('a month without the day is skipped; "last" is each month\'s last day', () => {
    expect(iso(nextFirings(rule({ every: 'month', day: 31, time: '00:00' }), 'UTC', new Date('2026-04-01T00:00:00Z'), 2))).toEqual([
      '2026-05-31T00:00:00.000Z',
      '2026-07-31T00:00:00.000Z',
    ]);
    expect(iso(nextFirings(rule({ every: 'month', day: 'last', time: '00:00' }), 'UTC', new Date('2026-02-01T00:00:00Z'), 1))).toEqual(['2026-02-28T00:00:00.000Z']);
  });

  it('firingsBetween keeps the latest ones when there are more than the limit', () => {
    const firings = firingsBetween(rule({ every: 'minutes', interval: 1 }), 'UTC', new Date('2026-12-07T00:00:00Z'), new Date('2026-12-07T01:00:00Z'), 3);
    expect(iso(firings)).toEqual(['2026-12-07T00:58:00.000Z', '2026-12-07T00:59:00.000Z', '2026-12-07T01:00:00.000Z']);
  });
});
