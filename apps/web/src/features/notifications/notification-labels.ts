import type { NotificationEventKind } from '@tradeloop/domain';

/** What each event a channel can pick is called on screen, in the order they are offered. */
export const EVENT_LABEL: Record<NotificationEventKind, string> = {
  fill: 'Fills',
  rejection: 'Rejections',
  risk_trip: 'Risk trips',
  kill_switch: 'Kill switches',
  exit: 'Exits (TP / SL / trailing)',
  drift: 'Model drift',
  broker_login: 'Broker login needed',
  webhook_failure: 'Webhook failures',
  price_alert: 'Price alerts',
};
