/**
 * Moving between screens, with a guard: while the canvas has unsaved changes, leaving
 * (a link in the app, the Back button, reload, closing the tab) asks first.
 */
import { useEffect, useState, type MouseEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { useBrowserLocation } from 'wouter/use-browser-location';
import { create } from 'zustand';
import { ConfirmDialog } from '../ui/Dialog.tsx';

interface GuardState {
  dirty: boolean;
  /** Where the person wanted to go (or what they wanted to do, such as signing out) when the guard asked. */
  pending: string | (() => void) | null;
}
const useGuard = create<GuardState>(() => ({ dirty: false, pending: null }));

/** Keeps the guard up while `dirty` is true (and the browser's own prompt on reload/close). */
export function useUnsavedGuard(dirty: boolean): void {
  useEffect(() => {
    useGuard.setState({ dirty });
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      useGuard.setState({ dirty: false });
    };
  }, [dirty]);
}

/**
 * The router's location, held back while there are unsaved changes: when the address
 * changes under the editor (the browser's Back or Forward button), the editor stays, the
 * address is put back, and the guard asks. Give it to wouter's `<Router hook>`.
 */
export function useGuardedLocation(): ReturnType<typeof useBrowserLocation> {
  const [path, navigate] = useBrowserLocation();
  const dirty = useGuard((s) => s.dirty);
  const [shown, setShown] = useState(path);
  const held = dirty && path !== shown;
  useEffect(() => {
    if (path === shown) return;
    if (dirty) {
      window.history.pushState(null, '', shown);
      useGuard.setState({ pending: path });
    } else setShown(path);
  }, [path, shown, dirty]);
  return [held ? shown : path, navigate];
}

export function useNavigate(): (to: string, options?: { force?: boolean }) => void {
  const [, setLocation] = useLocation();
  return (to, options) => {
    if (useGuard.getState().dirty && !options?.force) useGuard.setState({ pending: to });
    else setLocation(to);
  };
}

/** Runs `action` (signing out…) at once, or after asking while there are unsaved changes. */
export function guarded(action: () => void): void {
  if (useGuard.getState().dirty) useGuard.setState({ pending: action });
  else action();
}

/** An in-app link that respects the guard (still a real link: middle-click opens a tab). */
export function Link({ to, children, className, ...rest }: { to: string; children: ReactNode; className?: string; 'aria-current'?: 'page'; 'data-testid'?: string }) {
  const navigate = useNavigate();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} className={className} {...rest}>
      {children}
    </a>
  );
}

export function LeaveGuardDialog() {
  const { t } = useTranslation();
  const pending = useGuard((s) => s.pending);
  const [, setLocation] = useLocation();
  return (
    <ConfirmDialog
      open={pending !== null}
      onOpenChange={(open) => !open && useGuard.setState({ pending: null })}
      title={t('editor.unsaved.title')}
      description={t('editor.unsaved.description')}
      confirmLabel={t('editor.unsaved.leave')}
      danger
      onConfirm={() => {
        useGuard.setState({ pending: null, dirty: false });
        if (typeof pending === 'function') pending();
        else if (pending) setLocation(pending);
      }}
    />
  );
}
