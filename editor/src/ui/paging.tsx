/**
 * Long newest-first lists paged by the server's keyset cursor (run history, the audit
 * log): the next page loads when the end of the list comes into view, and dates filter
 * whole days in the reader's time zone. (Shorter lists have a button: LoadMore, ui/page.tsx.)
 */
import { useEffect, useRef, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Loading } from './feedback.tsx';

/** What paging needs of an infinite query (TanStack Query's result has it). */
export interface PagedList {
  isSuccess: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage(): unknown;
}

/** `2026-11-25` in the reader's time zone → the first or last instant of that day, as ISO. */
export function dayBoundary(day: string, end: boolean): string | undefined {
  if (!day) return undefined;
  const [y, m, d] = day.split('-').map(Number);
  const date = end ? new Date(y!, m! - 1, d!, 23, 59, 59, 999) : new Date(y!, m! - 1, d!, 0, 0, 0, 0);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Loads the next page when the returned element (put it after the list) scrolls into view. */
function useEndlessScroll(list: PagedList): RefObject<HTMLDivElement | null> {
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    const target = sentinel.current;
    if (!target || !hasNextPage) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  return sentinel;
}

/**
 * The end of an endless list: what brings the next page when it scrolls into view, the
 * loading sign while it comes, and `end` once the whole list is shown (`count` items).
 */
export function EndlessScroll({ list, count, end }: { list: PagedList; count: number; end: string }) {
  const sentinel = useEndlessScroll(list);
  return (
    <>
      <div ref={sentinel} className="sentinel" aria-hidden />
      {list.isFetchingNextPage ? <Loading /> : null}
      {list.isSuccess && !list.hasNextPage && count > 0 ? <p className="muted small">{end}</p> : null}
    </>
  );
}

/** "From" and "To" day inputs of a filter form. */
export function DayRangeFields(props: { from: string; to: string; onFrom(day: string): void; onTo(day: string): void }) {
  const { t } = useTranslation();
  return (
    <>
      <label className="field">
        <span className="field-label">{t('runs.from')}</span>
        <input type="date" className="input" value={props.from} onChange={(e) => props.onFrom(e.target.value)} />
      </label>
      <label className="field">
        <span className="field-label">{t('runs.to')}</span>
        <input type="date" className="input" value={props.to} onChange={(e) => props.onTo(e.target.value)} />
      </label>
    </>
  );
}
