import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router-dom';
import { queryClient } from '../lib/query-client';
import { RealtimeProvider } from '../lib/RealtimeProvider';
import { router } from './router';
import { SessionEffects } from './SessionEffects';
import { ToastHost } from '../components/ToastHost';

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <SessionEffects />
      <RealtimeProvider>
        <RouterProvider router={router} />
      </RealtimeProvider>
      <ToastHost />
    </QueryClientProvider>
  );
}
