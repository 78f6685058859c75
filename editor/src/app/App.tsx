import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Toaster } from 'sonner';
import { Redirect, Route, Router, Switch, useLocation } from 'wouter';
import { changeLanguage, LANGUAGES, type Language } from '../i18n/index.ts';
import { Loading } from '../ui/feedback.tsx';
import { WorkflowsPage } from '../workflows/WorkflowsPage.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { LeaveGuardDialog, Link, useGuardedLocation } from './navigation.tsx';

// The canvas screens load on demand: the workflow list opens without React Flow.
const EditorPage = lazy(() => import('../canvas/EditorPage.tsx'));
const RunsPage = lazy(() => import('../runs/RunsPage.tsx'));
const RunDetailPage = lazy(() => import('../runs/RunDetailPage.tsx'));

function Header() {
  const { t, i18n } = useTranslation();
  const [location] = useLocation();
  const current = (prefix: string) => (location.startsWith(prefix) ? ('page' as const) : undefined);
  return (
    <header className="app-header">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <Link to="/workflows" className="brand">
        <img src="/favicon.svg" alt="" width={22} height={22} /> Junction
      </Link>
      <nav aria-label={t('nav.label')} className="app-nav">
        <Link to="/workflows" aria-current={current('/workflows')}>
          {t('nav.workflows')}
        </Link>
        <Link to="/runs" aria-current={current('/runs')}>
          {t('nav.runs')}
        </Link>
      </nav>
      <label className="language">
        <span className="sr-only">{t('nav.language')}</span>
        <select value={i18n.language} onChange={(e) => void changeLanguage(e.target.value as Language)} aria-label={t('nav.language')}>
          {LANGUAGES.map((l) => (
            <option key={l.code} value={l.code}>
              {l.label}
            </option>
          ))}
        </select>
      </label>
    </header>
  );
}

export function App() {
  return (
    <Router hook={useGuardedLocation}>
      <Shell />
    </Router>
  );
}

function Shell() {
  const [location] = useLocation();
  return (
    <div className="app">
      <Header />
      <main id="main" className="app-main" tabIndex={-1}>
        <ErrorBoundary resetKey={location}>
          <Suspense fallback={<Loading />}>
            <Switch>
              <Route path="/">
                <Redirect to="/workflows" />
              </Route>
              <Route path="/workflows" component={WorkflowsPage} />
              <Route path="/workflows/:id">{(params) => <EditorPage key={params.id} workflowId={params.id} />}</Route>
              <Route path="/runs" component={RunsPage} />
              <Route path="/runs/:id">{(params) => <RunDetailPage key={params.id} runId={params.id} />}</Route>
              <Route>
                <NotFound />
              </Route>
            </Switch>
          </Suspense>
        </ErrorBoundary>
      </main>
      <LeaveGuardDialog />
      <Toaster position="bottom-right" richColors closeButton />
    </div>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <div className="error-page">
      <h1>{t('errors.notFound')}</h1>
      <Link to="/workflows" className="button">
        {t('nav.workflows')}
      </Link>
    </div>
  );
}
