/**
 * The parts every list screen shares: its head (title, what it is for, its buttons), the
 * states of the list it loads (loading, failed with Try again, empty, the table), and the
 * table's unlabelled actions column.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBox, Loading } from './feedback.tsx';
import type { PagedList } from './paging.tsx';

export function PageHead({ title, intro, children }: { title: string; intro?: string; children?: ReactNode }) {
  return (
    <div className="page-head">
      <div>
        <h1>{title}</h1>
        {intro ? <p className="muted">{intro}</p> : null}
      </div>
      {children ? <div className="row">{children}</div> : null}
    </div>
  );
}

/** What a list needs to know of the query that loads it (TanStack Query's result has it). */
export interface ListQuery {
  isPending: boolean;
  isError: boolean;
  isSuccess: boolean;
  error: unknown;
  refetch(): unknown;
}

export interface QueryListProps<T> {
  query: ListQuery;
  /** What the query loaded so far (undefined before anything came). */
  items: readonly T[] | undefined;
  /**
   * What an empty list says: a sentence (shown as the list's empty paragraph) or an element
   * of its own. Without it an empty list shows its table, with no rows.
   */
  empty?: ReactNode;
  /** The table (or list) of the items, shown once there are some. */
  children(items: readonly T[]): ReactNode;
}

/** A list a query loads, in the order every screen shows it: loading, failed (Try again), empty, or the items. */
export function QueryList<T>({ query, items, empty, children }: QueryListProps<T>) {
  const isEmpty = query.isSuccess && items?.length === 0 && empty !== undefined;
  return (
    <>
      {query.isPending ? <Loading /> : null}
      {query.isError ? <ErrorBox error={query.error} onRetry={() => void query.refetch()} /> : null}
      {isEmpty ? typeof empty === 'string' ? <p className="empty">{empty}</p> : empty : null}
      {items && (items.length > 0 || empty === undefined) ? children(items) : null}
    </>
  );
}

export interface ListPageProps<T> extends Omit<QueryListProps<T>, 'children'> {
  title: string;
  intro?: string;
  /** The head's buttons (create, import, a switch). */
  actions?: ReactNode;
  /** Between the head and the list: filters, a form to add, a notice. */
  above?: ReactNode;
  table(items: readonly T[]): ReactNode;
  /** After the list: LoadMore, or the end of an endless list (EndlessScroll, ui/paging.tsx). */
  paging?: ReactNode;
  /** The screen's dialogs. */
  children?: ReactNode;
}

/** A screen that lists one resource: its head, what goes above the list, the list in its states, paging, dialogs. */
export function ListPage<T>({ title, intro, actions, above, table, paging, children, ...list }: ListPageProps<T>) {
  return (
    <div className="page">
      <PageHead title={title} intro={intro}>
        {actions}
      </PageHead>
      {above}
      <QueryList {...list}>{table}</QueryList>
      {paging}
      {children}
    </div>
  );
}

/** The button that loads a list's next page, while there is one (endless lists: EndlessScroll, ui/paging.tsx). */
export function LoadMore({ list }: { list: PagedList }) {
  const { t } = useTranslation();
  if (!list.hasNextPage) return null;
  return (
    <button type="button" className="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
      {t('common.loadMore')}
    </button>
  );
}

/** The header cell over a table's row buttons: named for screen readers, empty on screen. */
export function ActionsHeader() {
  const { t } = useTranslation();
  return (
    <th scope="col">
      <span className="sr-only">{t('workflows.actions')}</span>
    </th>
  );
}
