/** The canvas's keyboard shortcuts: one table, used by the key handler and shown in the help dialog. */

export type ShortcutAction = 'undo' | 'redo' | 'delete' | 'selectAll' | 'fit' | 'layout' | 'save' | 'run' | 'help' | 'sticky';

export interface Shortcut {
  action: ShortcutAction;
  /** As shown to people; "Mod" is Ctrl (⌘ on a Mac). */
  keys: string[];
  match(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): boolean;
}

const mod = (e: { ctrlKey: boolean; metaKey: boolean }) => e.ctrlKey || e.metaKey;
const key = (e: { key: string }) => e.key.toLowerCase();

export const SHORTCUTS: Shortcut[] = [
  { action: 'save', keys: ['Mod+S'], match: (e) => mod(e) && key(e) === 's' },
  { action: 'run', keys: ['Mod+Enter'], match: (e) => mod(e) && e.key === 'Enter' },
  { action: 'undo', keys: ['Mod+Z'], match: (e) => mod(e) && !e.shiftKey && key(e) === 'z' },
  { action: 'redo', keys: ['Mod+Shift+Z', 'Mod+Y'], match: (e) => mod(e) && ((e.shiftKey && key(e) === 'z') || key(e) === 'y') },
  { action: 'delete', keys: ['Delete', 'Backspace'], match: (e) => !mod(e) && (e.key === 'Delete' || e.key === 'Backspace') },
  { action: 'selectAll', keys: ['Mod+A'], match: (e) => mod(e) && key(e) === 'a' },
  { action: 'fit', keys: ['Shift+1'], match: (e) => e.shiftKey && !mod(e) && (e.key === '!' || e.key === '1') },
  { action: 'layout', keys: ['Shift+L'], match: (e) => e.shiftKey && !mod(e) && key(e) === 'l' },
  { action: 'sticky', keys: ['Shift+N'], match: (e) => e.shiftKey && !mod(e) && key(e) === 'n' },
  { action: 'help', keys: ['?'], match: (e) => e.key === '?' },
];

/** Copy, cut and paste are the browser's own (Mod+C, Mod+X, Mod+V); listed for the help dialog. */
export const CLIPBOARD_KEYS = [
  { label: 'copy', keys: ['Mod+C'] },
  { label: 'cut', keys: ['Mod+X'] },
  { label: 'paste', keys: ['Mod+V'] },
] as const;

export function matchShortcut(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): ShortcutAction | null {
  if (event.altKey) return null;
  return SHORTCUTS.find((s) => s.match(event))?.action ?? null;
}

export const isMac = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export const showKeys = (keys: string) => keys.replace('Mod', isMac() ? '⌘' : 'Ctrl');
