import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { reloadOnce } from './app/stale-build.ts';
import './i18n/index.ts';
import './styles.css';
import { notifyError } from './ui/feedback.tsx';

// Vite fires this when a chunk of an older build is gone; a reload fetches the new build's names.
// Past the loop guard the error goes on to the error boundary, which offers a Reload button.
window.addEventListener('vite:preloadError', (event) => {
  if (reloadOnce()) event.preventDefault();
});

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
  // A background refetch that fails is told once, as a toast; screens show their own errors on first load.
  queryCache: new QueryCache({ onError: (error, query) => query.state.data !== undefined && notifyError(error) }),
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
