/** People to tick (who a credential or a workflow is shared with). */
import type { User } from '../api/types.ts';
import { useTranslation } from 'react-i18next';

export function UserChecklist({ users, selected, onChange }: { users: readonly User[]; selected: ReadonlySet<string>; onChange(next: ReadonlySet<string>): void }) {
  const { t } = useTranslation();
  return (
    <div className="checklist-grid">
      {users.map((user) => (
        <label key={user.id} className="check">
          <input
            type="checkbox"
            className="checkbox"
            checked={selected.has(user.id)}
            onChange={(e) => {
              const next = new Set(selected);
              if (e.target.checked) next.add(user.id);
              else next.delete(user.id);
              onChange(next);
            }}
          />
          <span>
            {user.name}{' '}
            <span className="muted small">
              {user.email} · {t(`roles.${user.role}`)}
            </span>
          </span>
        </label>
      ))}
    </div>
  );
}
