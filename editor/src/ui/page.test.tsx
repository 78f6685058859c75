import { QueryClient, QueryClientProvider, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.ts';
import { ListPage, LoadMore, QueryList } from './page.tsx';

const withQueries = (ui: ReactNode) => render(<QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>{ui}</QueryClientProvider>);

/** Answers from a list of outcomes, one per call (the last one again after that). */
function answers(...outcomes: (string[] | Error)[]) {
  let call = 0;
  return async () => {
    const outcome = outcomes[Math.min(call++, outcomes.length - 1)]!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (outcome instanceof Error) throw outcome;
    return outcome;
  };
}

function Names({ load, empty }: { load: () => Promise<string[]>; empty?: string }) {
  const names = useQuery({ queryKey: ['names'], queryFn: load });
  return (
    <QueryList query={names} items={names.data} empty={empty}>
      {(items) => (
        <table>
          <tbody>
            {items.map((name) => (
              <tr key={name}>
                <td>{name}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </QueryList>
  );
}

describe('a list a query loads', () => {
  it('shows loading, then its table', async () => {
    withQueries(<Names load={answers(['Orders', 'Stock'])} empty="No workflows yet." />);
    expect(screen.getByRole('status').textContent).toBe('Loading…');
    expect((await screen.findAllByRole('row')).map((row) => row.textContent)).toEqual(['Orders', 'Stock']);
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('says an empty list is empty, or shows its empty table when it has no such sentence', async () => {
    withQueries(<Names load={answers([])} empty="No workflows yet." />);
    expect((await screen.findByText('No workflows yet.')).className).toBe('empty');
    expect(screen.queryByRole('table')).toBeNull();

    render(
      <QueryClientProvider client={new QueryClient()}>
        <Names load={answers([])} />
      </QueryClientProvider>,
    );
    expect(await screen.findByRole('table')).toBeTruthy();
  });

  it('tells a failure in the reader’s words, and Try again loads the list again', async () => {
    withQueries(<Names load={answers(new ApiError(403, 'forbidden', 'You may not do this: it needs "users:read"'), ['Erin'])} empty="No users." />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Something went wrong');
    expect(screen.queryByRole('table')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect((await screen.findByRole('row')).textContent).toBe('Erin');
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });
});

describe('a list screen', () => {
  function Workflows() {
    const pages = useInfiniteQuery({
      queryKey: ['pages'],
      queryFn: async ({ pageParam }) => ({ names: [`Workflow ${pageParam}`], next: pageParam < 2 ? pageParam + 1 : null }),
      initialPageParam: 1,
      getNextPageParam: (last) => last.next,
    });
    const names = pages.data?.pages.flatMap((page) => page.names) ?? [];
    return (
      <ListPage
        title="Workflows"
        intro="Everything that runs"
        actions={<button type="button">New workflow</button>}
        above={<p>Filters</p>}
        query={pages}
        items={names}
        empty="No workflows yet."
        table={(items) => (
          <ul>
            {items.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        )}
        paging={<LoadMore list={pages} />}
      >
        <p>A dialog</p>
      </ListPage>
    );
  }

  it('has its head, what goes above the list, the list, its next page and its dialogs', async () => {
    withQueries(<Workflows />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Workflows');
    expect(screen.getByText('Everything that runs')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'New workflow' })).toBeTruthy();
    expect(screen.getByText('Filters')).toBeTruthy();
    expect(screen.getByText('A dialog')).toBeTruthy();
    expect((await screen.findAllByRole('listitem')).map((item) => item.textContent)).toEqual(['Workflow 1']);
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['Workflow 1', 'Workflow 2']));
    // The last page: no button for a next one.
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });
});
