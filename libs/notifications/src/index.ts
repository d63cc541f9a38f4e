// Context: notifications (docs/architecture.md; docs/alerts.md "Notifications"). Channels per user,
// in-app notifications, the outbox and its dispatch (email over SMTP, outgoing webhooks).
// Events arrive through the platform's NotificationEvents port.
export * from './notifications.module';
export * from './notifications.repository';
export * from './channels.use-cases';
export * from './notification-intake';
export * from './notification-dispatcher';
export * from './transports';
export * from './channel-secret-store';
