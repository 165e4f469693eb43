import { lazy, Suspense } from 'react';
import { createBrowserRouter } from 'react-router';
import { Loading } from './components/Loading';
import { ConsoleLayout } from './layout/ConsoleLayout';
import { AuditPage } from './pages/AuditPage';
import { CandidatesPage } from './pages/CandidatesPage';
import { DoctorPage } from './pages/DoctorPage';
import { MigrationRunPage } from './pages/MigrationRunPage';
import { MigrationsPage } from './pages/MigrationsPage';
import { MovePage } from './pages/MovePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OverviewPage } from './pages/OverviewPage';
import { RouteErrorPage } from './pages/RouteErrorPage';
import { SignInPage } from './pages/SignInPage';
import { TenantsPage } from './pages/TenantsPage';
import { RequireSession } from './session/RequireSession';

/** The tenant page carries the charts library: it loads when first opened. */
const TenantPage = lazy(() => import('./pages/TenantPage').then((m) => ({ default: m.TenantPage })));

/** Where the console lives; the overview is `/console/` (a bare `/console` is normalised to it below). */
const BASENAME = '/console/';
if (window.location.pathname === '/console')
  window.history.replaceState(window.history.state, '', `${BASENAME}${window.location.search}${window.location.hash}`);

/** The console's pages, under /console/ (the control plane serves the same page for each). */
export const router = createBrowserRouter(
  [
    { path: '/sign-in', element: <SignInPage />, errorElement: <RouteErrorPage /> },
    {
      path: '/',
      element: (
        <RequireSession>
          <ConsoleLayout />
        </RequireSession>
      ),
      errorElement: <RouteErrorPage />,
      children: [
        { index: true, element: <OverviewPage /> },
        { path: 'tenants', element: <TenantsPage /> },
        {
          path: 'tenants/:slug',
          element: (
            <Suspense fallback={<Loading label="Loading the tenant page" />}>
              <TenantPage />
            </Suspense>
          ),
        },
        { path: 'moves/:id', element: <MovePage /> },
        { path: 'candidates', element: <CandidatesPage /> },
        { path: 'migrations', element: <MigrationsPage /> },
        { path: 'migrations/runs/:id', element: <MigrationRunPage /> },
        { path: 'doctor', element: <DoctorPage /> },
        { path: 'audit', element: <AuditPage /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ],
  { basename: BASENAME },
);
