import { lazy, Suspense, useEffect, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { Toaster } from 'sonner';
import { Redirect, Route, Router, Switch, useLocation } from 'wouter';
import type { Capability } from '../api/types.ts';
import { LanguageSelect } from '../i18n/LanguageSelect.tsx';
import { takeSignedInHere, useCan } from '../session/session.ts';
import { SessionGate } from '../session/SessionGate.tsx';
import { UserMenu } from '../session/UserMenu.tsx';
import { Loading } from '../ui/feedback.tsx';
import { WorkflowsPage } from '../workflows/WorkflowsPage.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { LeaveGuardDialog, Link, useGuardedLocation } from './navigation.tsx';

// The canvas screens load on demand: the workflow list opens without React Flow; so do the screens few people open.
const EditorPage = lazy(() => import('../canvas/EditorPage.tsx'));
const RunsPage = lazy(() => import('../runs/RunsPage.tsx'));
const RunDetailPage = lazy(() => import('../runs/RunDetailPage.tsx'));
const CredentialsPage = lazy(() => import('../credentials/CredentialsPage.tsx'));
const VariablesPage = lazy(() => import('../variables/VariablesPage.tsx'));
const UsersPage = lazy(() => import('../users/UsersPage.tsx'));
const AuditPage = lazy(() => import('../audit/AuditPage.tsx'));
const AccountPage = lazy(() => import('../account/AccountPage.tsx'));
const ApiKeysPage = lazy(() => import('../account/ApiKeysPage.tsx'));

/** The screens of the main menu, and what the signed-in person needs to see each. */
const SECTIONS: readonly { path: string; label: string; needs: Capability; page: ComponentType }[] = [
  { path: '/workflows', label: 'nav.workflows', needs: 'workflows:read', page: WorkflowsPage },
  { path: '/runs', label: 'nav.runs', needs: 'runs:read', page: RunsPage },
  { path: '/credentials', label: 'nav.credentials', needs: 'credentials:read', page: CredentialsPage },
  { path: '/variables', label: 'nav.variables', needs: 'variables:read', page: VariablesPage },
  { path: '/users', label: 'nav.users', needs: 'users:write', page: UsersPage },
  { path: '/audit', label: 'nav.audit', needs: 'audit:read', page: AuditPage },
];

function Header() {
  const { t } = useTranslation();
  const can = useCan();
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
        {SECTIONS.filter((s) => can(s.needs)).map((s) => (
          <Link key={s.path} to={s.path} aria-current={current(s.path)}>
            {t(s.label)}
          </Link>
        ))}
      </nav>
      <LanguageSelect />
      <UserMenu />
    </header>
  );
}

export function App() {
  const { t } = useTranslation();
  return (
    <Router hook={useGuardedLocation}>
      <SessionGate>
        <Shell />
      </SessionGate>
      <Toaster position="bottom-right" richColors closeButton containerAriaLabel={t('common.notifications')} />
    </Router>
  );
}

function Shell() {
  const [location, setLocation] = useLocation();
  const can = useCan();
  // Just signed in here: the address is where the last person left off (or a link followed
  // while signed out). Keep it only if this person's role opens it, else the workflows.
  useEffect(() => {
    if (!takeSignedInHere()) return;
    const section = SECTIONS.find((s) => location === s.path || location.startsWith(`${s.path}/`));
    if (section && !can(section.needs)) setLocation('/workflows', { replace: true });
  }, []); // Only as the person's screens first appear.
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
              {SECTIONS.map((s) => (
                <Route key={s.path} path={s.path}>
                  {can(s.needs) ? <s.page /> : <NotAllowed />}
                </Route>
              ))}
              <Route path="/workflows/:id">{(params) => <EditorPage key={params.id} workflowId={params.id} />}</Route>
              <Route path="/runs/:id">{(params) => <RunDetailPage key={params.id} runId={params.id} />}</Route>
              <Route path="/account" component={AccountPage} />
              <Route path="/api-keys" component={ApiKeysPage} />
              <Route>
                <NotFound />
              </Route>
            </Switch>
          </Suspense>
        </ErrorBoundary>
      </main>
      <LeaveGuardDialog />
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

/** A screen the person's role does not open (a link from someone else, an old bookmark). */
function NotAllowed() {
  const { t } = useTranslation();
  return (
    <div className="error-page" role="alert">
      <h1>{t('errors.notAllowed')}</h1>
      <p className="muted">{t('errors.notAllowedHint')}</p>
      <Link to="/workflows" className="button">
        {t('nav.workflows')}
      </Link>
    </div>
  );
}
