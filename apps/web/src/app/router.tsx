import { createBrowserRouter, Navigate } from 'react-router-dom';
import { AppLayout } from './AppLayout';
import { HomeRedirect } from './HomeRedirect';
import { NotFoundPage } from './NotFoundPage';
import { PublicOnly } from './PublicOnly';
import { RequireAuth } from './RequireAuth';
import { RequireSection } from './RequireSection';
import { SectionLayout } from './SectionLayout';
import { LoginPage } from '../features/auth/LoginPage';
import { RegisterPage } from '../features/auth/RegisterPage';
import { AccountPage } from '../features/auth/AccountPage';
import { BrokersPage } from '../features/brokers/BrokersPage';
import { NotificationSettingsPage } from '../features/notifications/NotificationSettingsPage';
import { AccountLayout } from './AccountLayout';
import { UsersPage } from '../features/admin/UsersPage';
import { AdminUserPage } from '../features/admin/AdminUserPage';
import { FundingPage } from '../features/funding/FundingPage';
import { RiskAdminPage } from '../features/admin/RiskAdminPage';
import { AuditLogPage } from '../features/compliance/AuditLogPage';
import { ReconciliationPage } from '../features/compliance/ReconciliationPage';
import { SurveillancePage } from '../features/compliance/SurveillancePage';
import { LedgerPage } from '../features/ledger/LedgerPage';
import { TradePage } from '../features/trade/TradePage';
import { OptionChainPage } from '../features/trade/chain/OptionChainPage';
import { HoldingsPage, PortfolioHome } from '../features/portfolio/HoldingsPage';
import { WebhooksPage } from '../features/alerts/WebhooksPage';
import { EnginesPage } from '../features/alerts/EnginesPage';
import { WalletPage } from '../features/wallet/WalletPage';
import { ModelDetailPage } from '../features/quant/ModelDetailPage';
import { ModelsPage } from '../features/quant/ModelsPage';
import { SignalsPage } from '../features/quant/SignalsPage';
import { StrategiesPage } from '../features/quant/StrategiesPage';
import { BacktestsPage } from '../features/quant/BacktestsPage';

export const router = createBrowserRouter([
  {
    element: <PublicOnly />,
    children: [
      { path: '/login', element: <LoginPage /> },
      { path: '/register', element: <RegisterPage /> },
    ],
  },
  {
    element: <RequireAuth />,
    children: [
      {
        element: <AppLayout />,
        children: [
          { index: true, element: <HomeRedirect /> },
          {
            path: 'account',
            element: <AccountLayout />,
            children: [
              { index: true, element: <AccountPage /> },
              { path: 'brokers', element: <BrokersPage /> },
              { path: 'notifications', element: <NotificationSettingsPage /> },
            ],
          },
          {
            path: 'trade',
            element: <RequireSection section="trade" />,
            children: [
              { index: true, element: <TradePage /> },
              { path: 'option-chain', element: <OptionChainPage /> },
              { path: 'webhooks', element: <WebhooksPage /> },
              { path: 'engines', element: <EnginesPage /> },
            ],
          },
          {
            path: 'portfolio',
            element: <RequireSection section="portfolio" />,
            children: [
              {
                element: <SectionLayout section="portfolio" />,
                children: [
                  { index: true, element: <PortfolioHome /> },
                  { path: 'holdings', element: <HoldingsPage /> },
                  { path: 'wallet', element: <WalletPage /> },
                ],
              },
            ],
          },
          {
            path: 'quant',
            element: <RequireSection section="quant" />,
            children: [
              {
                element: <SectionLayout section="quant" />,
                children: [
                  { index: true, element: <Navigate to="models" replace /> },
                  { path: 'models', element: <ModelsPage /> },
                  { path: 'models/:modelId', element: <ModelDetailPage /> },
                  { path: 'signals', element: <SignalsPage /> },
                  { path: 'strategies', element: <StrategiesPage /> },
                  { path: 'backtests', element: <BacktestsPage /> },
                ],
              },
            ],
          },
          {
            path: 'compliance',
            element: <RequireSection section="compliance" />,
            children: [
              {
                element: <SectionLayout section="compliance" />,
                children: [
                  { index: true, element: <Navigate to="ledger" replace /> },
                  { path: 'ledger', element: <LedgerPage /> },
                  { path: 'audit', element: <AuditLogPage /> },
                  { path: 'reconciliation', element: <ReconciliationPage /> },
                  { path: 'surveillance', element: <SurveillancePage /> },
                ],
              },
            ],
          },
          {
            path: 'admin',
            element: <RequireSection section="admin" />,
            children: [
              {
                element: <SectionLayout section="admin" />,
                children: [
                  { index: true, element: <Navigate to="users" replace /> },
                  { path: 'users', element: <UsersPage /> },
                  { path: 'users/:id', element: <AdminUserPage /> },
                  { path: 'funding', element: <FundingPage /> },
                  { path: 'risk', element: <RiskAdminPage /> },
                ],
              },
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
