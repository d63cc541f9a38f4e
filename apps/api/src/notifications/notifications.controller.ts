import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import {
  CreatedNotificationChannelSchema,
  CreateNotificationChannelSchema,
  MarkNotificationsReadResultSchema,
  MarkNotificationsReadSchema,
  NotificationChannelListSchema,
  NotificationChannelSchema,
  NotificationDeliveryPageSchema,
  NotificationPageSchema,
  PageQuerySchema,
  UpdateNotificationChannelSchema,
} from '@tradeloop/contracts';
import { type Principal } from '@tradeloop/identity';
import { NotificationChannelsUseCases, NotificationsRepository } from '@tradeloop/notifications';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { ApiProblems } from '../http/api-problems';

class CreateChannelDto extends createZodDto(CreateNotificationChannelSchema) {}
class UpdateChannelDto extends createZodDto(UpdateNotificationChannelSchema) {}
class ChannelDto extends createZodDto(NotificationChannelSchema) {}
class CreatedChannelDto extends createZodDto(CreatedNotificationChannelSchema) {}
class ChannelListDto extends createZodDto(NotificationChannelListSchema) {}
class ChannelIdPathDto extends createZodDto(z.strictObject({ id: z.uuid({ message: 'must be a channel id (uuid)' }) })) {}
class PageQueryDto extends createZodDto(PageQuerySchema) {}
class NotificationListQueryDto extends createZodDto(
  PageQuerySchema.extend({ unread: z.enum(['true', 'false']).optional().describe('true: unread ones only') }),
) {}
class NotificationPageDto extends createZodDto(NotificationPageSchema) {}
class DeliveryPageDto extends createZodDto(NotificationDeliveryPageSchema) {}
class MarkReadDto extends createZodDto(MarkNotificationsReadSchema) {}
class MarkReadResultDto extends createZodDto(MarkNotificationsReadResultSchema) {}

/**
 * Notifications (docs/alerts.md "Notifications"; docs/api.md "Notifications"): every signed-in
 * user's own in-app notifications and channels. Another user's channel is 404.
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(
    @Inject(NotificationChannelsUseCases) private readonly channels: NotificationChannelsUseCases,
    @Inject(NotificationsRepository) private readonly repo: NotificationsRepository,
  ) {}

  /** In-app notifications, newest first, with the unread count. */
  @Get()
  @ZodResponse({ status: 200, type: NotificationPageDto })
  async list(@CurrentPrincipal() p: Principal, @Query() q: NotificationListQueryDto) {
    const [page, unread] = await Promise.all([
      this.repo.listNotifications(p.userId, { limit: q.limit, cursor: q.cursor, unread: q.unread === 'true' }),
      this.repo.unreadCount(p.userId),
    ]);
    return { ...page, unread };
  }

  /** Marks the given notifications (the user's own; others' ids are ignored) or all of them read. */
  @Post('read')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: MarkReadResultDto })
  async markRead(@CurrentPrincipal() p: Principal, @Body() body: MarkReadDto) {
    const marked = await this.repo.markRead(p.userId, body.all ? 'all' : (body.ids ?? []));
    return { marked, unread: await this.repo.unreadCount(p.userId) };
  }

  @Get('channels')
  @ZodResponse({ status: 200, type: ChannelListDto })
  async listChannels(@CurrentPrincipal() p: Principal) {
    return { items: await this.channels.list(p.userId) };
  }

  /** 201; a signed webhook's `secret` is in this answer only. 409 past 20 channels. */
  @Post('channels')
  @HttpCode(201)
  @ApiProblems(409)
  @ZodResponse({ status: 201, type: CreatedChannelDto })
  create(@CurrentPrincipal() p: Principal, @Body() body: CreateChannelDto) {
    return this.channels.create(p.userId, body);
  }

  @Get('channels/:id')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: ChannelDto })
  get(@CurrentPrincipal() p: Principal, @Param() path: ChannelIdPathDto) {
    return this.channels.get(p.userId, path.id);
  }

  /** Events, name, on / off. */
  @Patch('channels/:id')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: ChannelDto })
  update(@CurrentPrincipal() p: Principal, @Param() path: ChannelIdPathDto, @Body() body: UpdateChannelDto) {
    return this.channels.update(p.userId, path.id, body);
  }

  /** The channel and its deliveries. */
  @Delete('channels/:id')
  @HttpCode(204)
  @ApiProblems(404)
  @ApiResponse({ status: 204, description: 'Deleted' })
  async remove(@CurrentPrincipal() p: Principal, @Param() path: ChannelIdPathDto): Promise<void> {
    await this.channels.delete(p.userId, path.id);
  }

  /** The channel's deliveries, newest first: queued / sent / failed, attempts, the last error. */
  @Get('channels/:id/deliveries')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: DeliveryPageDto })
  async deliveries(@CurrentPrincipal() p: Principal, @Param() path: ChannelIdPathDto, @Query() q: PageQueryDto) {
    await this.channels.get(p.userId, path.id);
    return this.repo.listDeliveries(p.userId, path.id, q);
  }
}
