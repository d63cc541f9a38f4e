import { Inject, Injectable } from '@nestjs/common';
import type { StrategyDto } from '@tradeloop/contracts';
import type { UserId } from '@tradeloop/domain';
import { StrategiesRepository } from './strategies.repository';
import { StrategyView } from './strategy-view';

/** The user's strategies. */
@Injectable()
export class ListStrategiesQuery {
  constructor(
    @Inject(StrategiesRepository) private readonly strategies: StrategiesRepository,
    @Inject(StrategyView) private readonly view: StrategyView,
  ) {}

  async execute(userId: UserId): Promise<StrategyDto[]> {
    return Promise.all((await this.strategies.ofUser(userId)).map((r) => this.view.dto(r)));
  }
}

/** One of the user's strategies; another user's is a 404. */
@Injectable()
export class GetStrategyQuery {
  constructor(@Inject(StrategyView) private readonly view: StrategyView) {}

  async execute(userId: UserId, id: string): Promise<StrategyDto> {
    return this.view.dto(await this.view.owned(userId, id));
  }
}
