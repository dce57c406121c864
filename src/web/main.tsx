// The console's entry: antd theme, react-query (server state, polling), hash routes (the page is served at `/`,
// which ACR's RPC API shares, so routes live after the `#`).
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { HashRouter } from 'react-router';
import { App } from './App';
import { AuthProvider } from './auth';

const queries = new QueryClient({
  defaultOptions: {
    queries: { retry: (n, err) => n < 2 && !(err instanceof Error && 'status' in err), refetchOnWindowFocus: true },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider theme={{ token: { colorPrimary: '#0b5cad', borderRadius: 6 } }}>
      <AntApp>
        <QueryClientProvider client={queries}>
          <AuthProvider>
            <HashRouter>
              <App />
            </HashRouter>
          </AuthProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
