import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import {
  AddWatchlistSymbolSchema,
  CreateWatchlistSchema,
  RenameWatchlistSchema,
  ReplaceWatchlistSymbolsSchema,
  WatchlistListSchema,
  WatchlistSchema,
} from '@tradeloop/contracts';
import { type Principal } from '@tradeloop/identity';
import {
  AddWatchlistSymbolUseCase,
  CreateWatchlistUseCase,
  DeleteWatchlistUseCase,
  ListWatchlistsUseCase,
  RemoveWatchlistSymbolUseCase,
  RenameWatchlistUseCase,
  ReplaceWatchlistSymbolsUseCase,
} from '@tradeloop/market';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { ApiProblems } from '../http/api-problems';

class CreateWatchlistDto extends createZodDto(CreateWatchlistSchema) {}
class RenameWatchlistDto extends createZodDto(RenameWatchlistSchema) {}
class ReplaceWatchlistSymbolsDto extends createZodDto(ReplaceWatchlistSymbolsSchema) {}
class AddWatchlistSymbolDto extends createZodDto(AddWatchlistSymbolSchema) {}
class WatchlistDto extends createZodDto(WatchlistSchema) {}
class WatchlistListDto extends createZodDto(WatchlistListSchema) {}

/**
 * The caller's own watchlists (any role). Ids are checked against the caller: another user's
 * list, or a malformed id, is 404. Unknown symbols and limits are 400 VALIDATION_FAILED with the
 * offending fields named; a duplicate name (case-insensitive) is 409 CONFLICT.
 */
@ApiTags('market')
@ApiBearerAuth()
@Controller('api/v1/watchlists')
export class WatchlistsController {
  constructor(
    @Inject(ListWatchlistsUseCase) private readonly listLists: ListWatchlistsUseCase,
    @Inject(CreateWatchlistUseCase) private readonly createList: CreateWatchlistUseCase,
    @Inject(RenameWatchlistUseCase) private readonly renameList: RenameWatchlistUseCase,
    @Inject(DeleteWatchlistUseCase) private readonly deleteList: DeleteWatchlistUseCase,
    @Inject(ReplaceWatchlistSymbolsUseCase) private readonly replaceSymbolsUseCase: ReplaceWatchlistSymbolsUseCase,
    @Inject(AddWatchlistSymbolUseCase) private readonly addSymbolUseCase: AddWatchlistSymbolUseCase,
    @Inject(RemoveWatchlistSymbolUseCase) private readonly removeSymbolUseCase: RemoveWatchlistSymbolUseCase,
  ) {}

  /** In order; a user with none gets "Watchlist 1". */
  @Get()
  @ZodResponse({ status: 200, type: WatchlistListDto })
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: await this.listLists.execute(principal.userId) };
  }

  @Post()
  @ApiProblems(409)
  @ZodResponse({ status: 201, type: WatchlistDto })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateWatchlistDto) {
    return this.createList.execute(principal.userId, body);
  }

  @Patch(':id')
  @ApiProblems(409)
  @ZodResponse({ status: 200, type: WatchlistDto })
  rename(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: RenameWatchlistDto) {
    return this.renameList.execute(principal.userId, id, body.name);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.deleteList.execute(principal.userId, id);
  }

  /** Replaces the whole ordered list: reorder or bulk edit. */
  @Put(':id/symbols')
  @ApiProblems(409)
  @ZodResponse({ status: 200, type: WatchlistDto })
  replaceSymbols(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: ReplaceWatchlistSymbolsDto) {
    return this.replaceSymbolsUseCase.execute(principal.userId, id, body.symbols);
  }

  /** Appends a symbol; one already on the list leaves it unchanged (200 either way). */
  @Post(':id/symbols')
  @ApiProblems(409)
  @ZodResponse({ status: 200, type: WatchlistDto })
  addSymbol(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: AddWatchlistSymbolDto) {
    return this.addSymbolUseCase.execute(principal.userId, id, body.symbol);
  }

  /** Removes a symbol; one not on the list leaves it unchanged (200 either way). */
  @Delete(':id/symbols/:symbol')
  @ZodResponse({ status: 200, type: WatchlistDto })
  removeSymbol(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Param('symbol') symbol: string) {
    return this.removeSymbolUseCase.execute(principal.userId, id, symbol);
  }
}
