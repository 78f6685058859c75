/** A screen that throws shows what went wrong and a way on — never a blank page. */
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { i18n } from '../i18n/index.ts';
import { isChunkLoadError, reloadOnce } from './stale-build.ts';

export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey?: string }) {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    if (isChunkLoadError(error) && reloadOnce()) return;
    console.error('The editor failed to show this screen', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    // "Try again" cannot help here: React.lazy remembers the failed import until the page loads again.
    if (isChunkLoadError(this.state.error)) {
      return (
        <div role="alert" className="error-page">
          <h1>{i18n.t('errors.updatedTitle')}</h1>
          <p className="muted">{i18n.t('errors.updatedHint')}</p>
          <div className="row">
            <button type="button" className="button primary" onClick={() => window.location.reload()}>
              {i18n.t('errors.reload')}
            </button>
          </div>
        </div>
      );
    }
    return (
      <div role="alert" className="error-page">
        <h1>{i18n.t('errors.screenTitle')}</h1>
        <p>{this.state.error.message}</p>
        <p className="muted">{i18n.t('errors.screenHint')}</p>
        <div className="row">
          <button type="button" className="button primary" onClick={() => this.setState({ error: null })}>
            {i18n.t('common.tryAgain')}
          </button>
          <a className="button" href="/workflows">
            {i18n.t('nav.workflows')}
          </a>
        </div>
      </div>
    );
  }
}
