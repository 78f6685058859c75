/**
 * "Test poll" on a poll trigger: the server looks at the source now, as the saved version
 * would (`POST /api/workflows/:id/triggers/:nodeId/test`), and says what it found and which
 * of it the next poll would start runs for — without starting anything or changing what
 * the poll remembers. Unsaved changes are saved first, as a run from the editor does.
 */
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { PollPreview } from '../api/types.ts';
import { errorSentence, plainIssue } from '../i18n/problems.ts';
import { ItemsView } from '../runs/StepData.tsx';
import { useEditor } from '../store/context.tsx';

/** What a refused test says, in the reader's words: the server's sentence names the node and the source's answer. */
export function pollTestError(error: unknown): string {
  if (error instanceof ApiError && error.status === 400) return plainIssue(error.message, { nodeMessages: true });
  return errorSentence(error);
}

export function PollTest({ workflowId, nodeId, runPer, save }: { workflowId: string; nodeId: string; runPer: unknown; save: () => Promise<boolean> }) {
  const { t } = useTranslation();
  const dirty = useEditor((s) => s.revision !== s.savedRevision);
  const test = useMutation({
    mutationFn: async (): Promise<PollPreview | null> => {
      if (dirty && !(await save())) return null;
      return api.testPoll(workflowId, nodeId);
    },
  });
  const preview = test.data;
  return (
    <section className="poll-test" aria-label={t('pollTest.title')} data-testid="poll-test">
      <div className="row between">
        <button type="button" className="button" onClick={() => test.mutate()} disabled={test.isPending} data-testid="poll-test-button">
          {test.isPending ? t('pollTest.looking') : dirty ? t('pollTest.saveAndTest') : t('pollTest.test')}
        </button>
      </div>
      <p className="help">{t('pollTest.help')}</p>
      {test.error ? (
        <div className="error-box" role="alert" data-testid="poll-test-error">
          <strong>{t('pollTest.failed')}</strong>
          <p>{pollTestError(test.error)}</p>
        </div>
      ) : null}
      {preview ? (
        <div className="poll-result" role="status" data-testid="poll-test-result">
          <p>{t('pollTest.found', { count: preview.found })}</p>
          <p>
            <strong>
              {preview.newsCount === 0
                ? preview.first
                  ? t('pollTest.firstLook')
                  : t('pollTest.nothingNew')
                : runPer === 'item'
                  ? t('pollTest.runEach', { count: preview.newsCount })
                  : t('pollTest.runOne', { count: preview.newsCount })}
            </strong>
          </p>
          {preview.skipped > 0 ? <p className="muted small">{t('pollTest.skipped', { count: preview.skipped })}</p> : null}
          {preview.news.length > 0 ? <ItemsView items={preview.news.map((json) => ({ json }))} label={t('pollTest.newsLabel')} /> : null}
          {preview.newsCount > preview.news.length ? <p className="muted small">{t('pollTest.firstShown', { count: preview.news.length })}</p> : null}
          <p className="muted small">{t('pollTest.nothingChanged')}</p>
        </div>
      ) : null}
    </section>
  );
}
