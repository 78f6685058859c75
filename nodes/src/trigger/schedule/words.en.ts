import type { NodeWords } from '../../sdk/words.ts';

export const words = {
  label: 'Schedule',
  description: 'Starts the workflow at set times: every few minutes or hours, every day, on chosen weekdays, every month, or by a cron expression.',
  params: {
    rule: { label: 'Run', help: 'When the workflow runs. Each firing starts exactly one run, however many workers there are.' },
    every: { label: 'Run' },
    interval: { label: 'Every', help: 'Minutes: 1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30. Hours: 1, 2, 3, 4, 6, 8 or 12.' },
    minute: { label: 'At minute', help: 'Minutes past the hour, 0–59.' },
    time: { label: 'At', help: 'The time of day, HH:MM (24-hour), in the time zone below.' },
    days: { label: 'On' },
    day: { label: 'Day of the month', help: '1–31, or “last”. A month without that day is skipped.' },
    expression: { label: 'Cron expression', help: 'minute hour day-of-month month day-of-week, e.g. “30 23 * * 1-5” for 23:30 on weekdays.' },
    timezone: { label: 'Time zone', help: 'An IANA name such as Asia/Taipei or Europe/Warsaw; empty: the workflow’s time zone.' },
    overlap: { label: 'If the previous run is still going' },
    missed: { label: 'Firings missed while Junction was stopped' },
    catchUpLimit: { label: 'Run at most', help: 'With “each of them”: how many missed firings are run, the latest ones.' },
  },
  options: {
    every: { minutes: 'Every few minutes', hours: 'Every few hours', day: 'Every day', weekdays: 'On chosen weekdays', month: 'Every month', cron: 'By a cron expression' },
    days: { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' },
    overlap: { skip: 'Skip this firing', queue: 'Start it when that run has finished', allow: 'Start it anyway' },
    missed: { latest: 'Run the latest one', none: 'Run none of them', all: 'Run each of them' },
  },
  messages: {
    timezone: 'Not a time zone: use an IANA name such as Asia/Taipei',
    schedule: 'This schedule cannot be used: {{problem}}',
  },
} as const satisfies NodeWords;
