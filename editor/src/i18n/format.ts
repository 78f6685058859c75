/** Dates, numbers and durations in the reader's language (Intl), recomputed when the language changes. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

export interface Formatters {
  dateTime(iso: string | null | undefined): string;
  time(iso: string | null | undefined): string;
  number(n: number): string;
  relative(iso: string): string;
  duration(fromIso: string | null, toIso: string | null): string;
  /** A moment with its weekday, to the minute, in a time zone (default: the reader's): `Mon, 8 Dec 2026, 09:00`. */
  zoned(iso: string, zone?: string): string;
}

/** The reader's time zone, as the browser knows it. */
export const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export function formattersFor(locale: string, now: () => number = Date.now): Formatters {
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
  const number = new Intl.NumberFormat(locale);
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const zonedFormats = new Map<string, Intl.DateTimeFormat>();
  const zonedFormat = (zone: string | undefined) => {
    const key = zone ?? '';
    let found = zonedFormats.get(key);
    if (!found) {
      found = new Intl.DateTimeFormat(locale, { timeZone: zone, weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      zonedFormats.set(key, found);
    }
    return found;
  };
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 31_536_000],
    ['month', 2_592_000],
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ];
  return {
    dateTime: (iso) => (iso ? dateTime.format(new Date(iso)) : '—'),
    time: (iso) => (iso ? time.format(new Date(iso)) : '—'),
    number: (n) => number.format(n),
    relative(iso) {
      const seconds = Math.round((new Date(iso).getTime() - now()) / 1000);
      const [unit, size] = units.find(([, s]) => Math.abs(seconds) >= s) ?? ['second', 1];
      return relative.format(Math.round(seconds / size), unit);
    },
    zoned: (iso, zone) => zonedFormat(zone).format(new Date(iso)),
    duration(fromIso, toIso) {
      if (!fromIso || !toIso) return '—';
      const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
      if (ms < 1000) return `${number.format(ms)} ms`;
      return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(ms / 1000)} s`;
    },
  };
}

export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  return useMemo(() => formattersFor(i18n.language), [i18n.language]);
}
