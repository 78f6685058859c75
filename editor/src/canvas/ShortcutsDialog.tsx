import { useTranslation } from 'react-i18next';
import { Dialog } from '../ui/Dialog.tsx';
import { CLIPBOARD_KEYS, SHORTCUTS, showKeys } from './shortcuts.ts';

export function ShortcutsDialog({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  const { t } = useTranslation();
  const rows = [
    ...SHORTCUTS.map((s) => ({ label: t(`shortcuts.${s.action}`), keys: s.keys })),
    ...CLIPBOARD_KEYS.map((c) => ({ label: t(`shortcuts.${c.label}`), keys: [...c.keys] })),
    { label: t('shortcuts.multiSelect'), keys: ['Mod+Click', 'Shift+Drag'] },
    { label: t('shortcuts.move'), keys: ['←↑→↓'] },
  ];
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={t('shortcuts.title')}>
      <table className="table shortcuts">
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <td>{row.label}</td>
              <td>
                {row.keys.map((k) => (
                  <kbd key={k}>{showKeys(k)}</kbd>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
