/**
 * The node types, grouped by category and searchable. Drag one onto the canvas, or click
 * it (Enter) to add it after the selected node, already connected.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NodeTypeInfo } from '../api/types.ts';
import { PALETTE_MIME } from '../canvas/Canvas.tsx';
import { useNodeTypeText } from '../i18n/node-types.ts';

const CATEGORY_ORDER = ['trigger', 'logic', 'transform', 'code', 'connector'];

export function Palette({ types, onAdd }: { types: readonly NodeTypeInfo[]; onAdd(type: NodeTypeInfo): void }) {
  const { t } = useTranslation();
  const text = useNodeTypeText();
  const [query, setQuery] = useState('');

  const groups = useMemo(() => {
    const needle = query.trim().toLowerCase();
    const matching = types.filter((type) => {
      if (!needle) return true;
      return [text.label(type), text.description(type), type.type, type.label].some((s) => s.toLowerCase().includes(needle));
    });
    const byCategory = new Map<string, NodeTypeInfo[]>();
    for (const type of matching) byCategory.set(type.category, [...(byCategory.get(type.category) ?? []), type]);
    return [...byCategory.entries()].sort(([a], [b]) => rank(a) - rank(b));
  }, [types, query, text]);

  return (
    <aside className="palette" aria-label={t('palette.title')}>
      <h2 className="panel-title">{t('palette.title')}</h2>
      <input
        type="search"
        className="input"
        placeholder={t('palette.search')}
        aria-label={t('palette.search')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <p className="muted small">{t('palette.hint')}</p>
      {groups.length === 0 ? <p className="muted">{t('palette.none')}</p> : null}
      {groups.map(([category, list]) => (
        <section key={category} className="palette-group" aria-labelledby={`palette-${category}`}>
          <h3 id={`palette-${category}`} className="palette-category">
            {text.category(category)}
          </h3>
          <ul className="palette-list">
            {list.map((type) => (
              <li key={type.type}>
                <button
                  type="button"
                  className={`palette-item category-${type.category}`}
                  draggable
                  data-testid={`palette-${type.type}`}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(PALETTE_MIME, type.type);
                    e.dataTransfer.effectAllowed = 'copy';
                  }}
                  onClick={() => onAdd(type)}
                  title={text.description(type)}
                >
                  <span className="palette-label">{text.label(type)}</span>
                  <span className="palette-description">{text.description(type)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
}

function rank(category: string): number {
  const index = CATEGORY_ORDER.indexOf(category);
  return index === -1 ? CATEGORY_ORDER.length : index;
}
