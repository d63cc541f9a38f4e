import { Module } from '@nestjs/common';
import { NotificationEvents } from '../notifications/notification-events';
import { JobProducer } from './job-producer';

/** The job producer, and the NotificationEvents port built on it (docs/alerts.md "Notifications"). */
@Module({ providers: [JobProducer, NotificationEvents], exports: [JobProducer, NotificationEvents] })
export class QueueModule {}
