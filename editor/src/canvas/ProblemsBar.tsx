/** Problems of the workflow as a whole (no trigger, its settings): shown under the toolbar, since no node can carry them. */
import { useTranslation } from 'react-i18next';
import { WORKFLOW_PROBLEMS } from '../inspector/validation.ts';
import { useDecoration } from '../store/context.tsx';

export function ProblemsBar() {
  const { t } = useTranslation();
  const messages = useDecoration((s) => s.problems[WORKFLOW_PROBLEMS]?.fields[''] ?? null);
  if (!messages?.length) return null;
  return (
    <div className="problems-bar" role="alert" data-testid="workflow-problems">
      <strong>{t('editor.workflowProblems')}</strong>
      <ul>
        {messages.map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>
    </div>
  );
}
