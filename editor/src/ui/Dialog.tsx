/** Dialogs on Radix primitives: focus trapped and restored, Escape closes, labelled by their title. */
import { AlertDialog as AlertPrimitive, Dialog as DialogPrimitive } from 'radix-ui';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function Dialog(props: { open: boolean; onOpenChange(open: boolean): void; title: string; description?: string; children: ReactNode; wide?: boolean }) {
  const { t } = useTranslation();
  return (
    <DialogPrimitive.Root open={props.open} onOpenChange={props.onOpenChange}>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="overlay" />
        <DialogPrimitive.Content className={props.wide ? 'dialog dialog-wide' : 'dialog'} aria-describedby={props.description ? undefined : undefined}>
          <div className="dialog-head">
            <DialogPrimitive.Title className="dialog-title">{props.title}</DialogPrimitive.Title>
            <DialogPrimitive.Close className="icon-button" aria-label={t('common.close')}>
              ×
            </DialogPrimitive.Close>
          </div>
          {props.description ? <DialogPrimitive.Description className="muted">{props.description}</DialogPrimitive.Description> : <DialogPrimitive.Description className="sr-only">{props.title}</DialogPrimitive.Description>}
          {props.children}
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  );
}

/** Asks before something that cannot be undone (delete, leave with unsaved changes). */
export function ConfirmDialog(props: {
  open: boolean;
  onOpenChange(open: boolean): void;
  title: string;
  description: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm(): void;
}) {
  const { t } = useTranslation();
  return (
    <AlertPrimitive.Root open={props.open} onOpenChange={props.onOpenChange}>
      <AlertPrimitive.Portal>
        <AlertPrimitive.Overlay className="overlay" />
        <AlertPrimitive.Content className="dialog">
          <AlertPrimitive.Title className="dialog-title">{props.title}</AlertPrimitive.Title>
          <AlertPrimitive.Description className="dialog-text">{props.description}</AlertPrimitive.Description>
          <div className="dialog-actions">
            <AlertPrimitive.Cancel className="button">{t('common.cancel')}</AlertPrimitive.Cancel>
            <AlertPrimitive.Action className={props.danger ? 'button danger' : 'button primary'} onClick={props.onConfirm}>
              {props.confirmLabel}
            </AlertPrimitive.Action>
          </div>
        </AlertPrimitive.Content>
      </AlertPrimitive.Portal>
    </AlertPrimitive.Root>
  );
}
