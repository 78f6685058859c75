/** The parts every list screen shares: its head (title, what it is for, its buttons), and the table's unlabelled actions column. */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

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

/** The header cell over a table's row buttons: named for screen readers, empty on screen. */
export function ActionsHeader() {
  const { t } = useTranslation();
  return (
    <th scope="col">
      <span className="sr-only">{t('workflows.actions')}</span>
    </th>
  );
}
