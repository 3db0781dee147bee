import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { toastError, ToastProvider } from './ui/Toasts.js';
import { errorInfo } from './lib/errors.js';
import { getThemeChoice } from './lib/storage.js';
import { applyTheme } from './lib/theme.js';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { createClient, TRPCProvider, type AppRouter } from './lib/trpc.js';
import { makeRouter } from './router.js';
import { z } from 'zod';
import './styles.css';

// zod probes for `new Function` to compile fast validators; the page's CSP forbids it (and
// reports a violation on every load). Validation here is small: the interpreter is enough.
z.config({ jitless: true });

// Before anything renders: a remembered light or dark choice overrides the system's from the first paint.
applyTheme(getThemeChoice());

/** Any 401 outside the sign-in flow means the session is gone: go sign in, then come back. */
function handleUnauthorized(err: unknown): boolean {
  if (errorInfo(err).code !== 'UNAUTHORIZED') return false;
  const here = window.location.pathname + window.location.search;
  if (!here.startsWith('/sign-in')) {
    queryClient.clear();
    void router.navigate({ to: '/sign-in', search: { redirect: here } });
  }
  return true;
}

const queryClient: QueryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      retry: (count, err) => {
        const code = errorInfo(err).code;
        if (code && ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST'].includes(code)) return false;
        return count < 2;
      },
    },
  },
  queryCache: new QueryCache({ onError: (err) => void handleUnauthorized(err) }),
  mutationCache: new MutationCache({
    onError: (err, _vars, _ctx, mutation) => {
      const path = JSON.stringify(mutation.options.mutationKey ?? '');
      const isAuthForm = path.includes('"signIn"') || path.includes('"signUp"');
      if (!isAuthForm && handleUnauthorized(err)) return;
      if (!mutation.options.meta?.inline) toastError(errorInfo(err).message);
    },
  }),
});

const trpcClient = createClient();
const router = makeRouter(queryClient, createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient }));

const rootEl = document.getElementById('root');
if (!rootEl) throw new Error('#root missing from index.html');
createRoot(rootEl).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <ToastProvider>
          <RouterProvider router={router} />
        </ToastProvider>
      </TRPCProvider>
    </QueryClientProvider>
  </StrictMode>,
);
