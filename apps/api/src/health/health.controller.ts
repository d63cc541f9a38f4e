import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { Readiness } from '@tradeloop/contracts';
import { Db, JobProducer, Lifecycle, probe, REDIS } from '@tradeloop/platform';
import { Public } from '../auth/auth.decorators';

@ApiTags('health')
@Public()
@Controller('api/health')
export class HealthController {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(Lifecycle) private readonly lifecycle: Lifecycle,
  ) {}

  /** Liveness: the process answers. Deliberately checks nothing else. */
  @Get()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: Postgres, Redis and the queue answer, and we are not shutting down. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    const [postgres, redis, queue] = await Promise.all([
      probe(() => this.db.ping()),
      probe(() => this.redis.ping()),
      probe(() => this.jobs.ping()),
    ]);
    const allUp = [postgres, redis, queue].every((c) => c.status === 'up');
    const status = this.lifecycle.isShuttingDown ? 'shutting_down' : allUp ? 'ready' : 'not_ready';
    if (status !== 'ready') void reply.status(503);
    return { status, checks: { postgres, redis, queue } };
  }
}
