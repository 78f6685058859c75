import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { i18n } from '../i18n/index.ts';
import { nodeTypes } from '../testing/fixtures.ts';
import { Palette } from './Palette.tsx';

describe('the palette', () => {
  it('groups node types by category, triggers first, and filters by what you type', async () => {
    render(<Palette types={nodeTypes} onAdd={() => undefined} />);
    const headings = screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent);
    expect(headings).toEqual(['Triggers', 'Logic', 'Transform', 'Code', 'Connectors']);
    expect(within(screen.getByRole('region', { name: 'Code' })).getByTestId('palette-code.javascript')).toBeTruthy();
    await userEvent.type(screen.getByLabelText('Search nodes'), 'calls any');
    expect(screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual(['Connectors']);
    await userEvent.clear(screen.getByLabelText('Search nodes'));
    await userEvent.type(screen.getByLabelText('Search nodes'), 'zzz');
    expect(screen.getByText('No node matches this search.')).toBeTruthy();
  });

  it('adds a node on click (or Enter), and lets it be dragged with its type', async () => {
    const onAdd = vi.fn();
    render(<Palette types={nodeTypes} onAdd={onAdd} />);
    const item = screen.getByTestId('palette-logic.if');
    expect(item.getAttribute('draggable')).toBe('true');
    await userEvent.click(item);
    item.focus();
    await userEvent.keyboard('{Enter}');
    expect(onAdd).toHaveBeenCalledTimes(2);
    expect(onAdd.mock.calls[0]![0].type).toBe('logic.if');
  });

  it('shows node types in the chosen language, and searches in it', async () => {
    await i18n.changeLanguage('zh-TW');
    try {
      render(<Palette types={nodeTypes} onAdd={() => undefined} />);
      const group = screen.getByRole('region', { name: '串接' });
      expect(within(group).getByText('HTTP 請求')).toBeTruthy();
      await userEvent.type(screen.getByLabelText('搜尋節點'), '條件');
      expect(screen.getByText('條件判斷')).toBeTruthy();
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});
