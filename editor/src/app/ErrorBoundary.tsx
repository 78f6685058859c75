/** A screen that throws shows what went wrong and a way on — never a blank page. */
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { i18n } from '../i18n/index.ts';

export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey?: string }) {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('The editor failed to show this screen', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
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
