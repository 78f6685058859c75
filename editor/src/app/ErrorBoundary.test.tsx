import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client.ts';
import { ErrorBox } from '../ui/feedback.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { isChunkLoadError, reloadOnce } from './stale-build.ts';

function Fragile() {
  const [broken, setBroken] = useState(false);
  if (broken) throw new Error('The run detail could not be drawn');
  return (
    <button type="button" onClick={() => setBroken(true)}>
      Break
    </button>
  );
}

describe('errors are shown, never a blank page', () => {
  it('shows what failed and a way on when a screen throws', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      render(
        <ErrorBoundary>
          <Fragile />
        </ErrorBoundary>,
      );
      await userEvent.click(screen.getByRole('button', { name: 'Break' }));
      expect(screen.getByRole('alert').textContent).toContain('The run detail could not be drawn');
      expect(screen.getByRole('heading').textContent).toBe('This screen could not be shown');
      expect(screen.getByRole('link', { name: 'Workflows' }).getAttribute('href')).toBe('/workflows');
      await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
      expect(screen.getByRole('button', { name: 'Break' })).toBeTruthy();
    } finally {
      quiet.mockRestore();
    }
  });

  it('shows the server’s own sentence for an API error, with a retry', async () => {
    const retry = vi.fn();
    render(<ErrorBox error={new ApiError(409, 'webhook_conflict', 'POST /hooks/orders is already used by another active workflow')} onRetry={retry} />);
    expect(screen.getByRole('alert').textContent).toContain('POST /hooks/orders is already used');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalledOnce();
  });
});

describe('a tab left open across an update', () => {
  function StaleChunk(): never {
    throw new TypeError('Failed to fetch dynamically imported module: http://localhost/assets/EditorPage-3f9a1c.js');
  }

  it('reloads once, then stops: a second failure soon after is not reloaded again', () => {
    const storage = new Map<string, string>();
    const fake = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) } as Storage;
    const reload = vi.fn();
    expect(reloadOnce(fake, reload)).toBe(true);
    expect(reloadOnce(fake, reload)).toBe(false);
    expect(reload).toHaveBeenCalledOnce();
  });

  it('tells that Junction was updated and offers a reload instead of a useless "Try again"', () => {
    expect(isChunkLoadError(new TypeError('Importing a module script failed.'))).toBe(true);
    expect(isChunkLoadError(new Error('The run detail could not be drawn'))).toBe(false);
    // The page was just reloaded for this, so the boundary must not reload again.
    sessionStorage.setItem('junction.reloadedForNewBuild', String(Date.now()));
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      render(
        <ErrorBoundary>
          <StaleChunk />
        </ErrorBoundary>,
      );
      expect(screen.getByRole('heading').textContent).toBe('Junction was updated');
      expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
      expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    } finally {
      quiet.mockRestore();
      sessionStorage.clear();
    }
  });
});
