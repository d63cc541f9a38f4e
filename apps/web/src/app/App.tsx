import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router-dom';
import { Toaster } from 'sonner';
import { queryClient } from '../lib/query-client';
import { RealtimeProvider } from '../lib/RealtimeProvider';
import { router } from './router';
import { SessionEffects } from './SessionEffects';

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <SessionEffects />
      <RealtimeProvider>
        <RouterProvider router={router} />
      </RealtimeProvider>
      <Toaster theme="dark" position="bottom-right" richColors closeButton duration={6_000} toastOptions={{ className: 'toast' }} />
    </QueryClientProvider>
  );
}
