import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { ModelDetailSchema, ModelSchema, PredictRequestSchema, PredictResponseSchema, PromoteModelSchema } from '@tradeloop/contracts';
import { DomainError } from '@tradeloop/domain';
import { type Principal, type RequestMeta } from '@tradeloop/identity';
import { GetModelQuery, ListModelsQuery, PredictUseCase, PromoteModelUseCase, RegisterModelUseCase } from '@tradeloop/ml';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ReqMeta } from '../http/request-meta';
import { ApiProblems } from '../http/api-problems';

class ModelResponseDto extends createZodDto(z.object({ model: ModelSchema })) {}
class ModelListDto extends createZodDto(z.object({ items: z.array(ModelSchema) })) {}
class ModelDetailDto extends createZodDto(ModelDetailSchema) {}
class PromoteModelDto extends createZodDto(PromoteModelSchema) {}
class PromoteResponseDto extends createZodDto(z.object({ model: ModelSchema, replaced: ModelSchema.nullable() })) {}
class PredictDto extends createZodDto(PredictRequestSchema) {}
class PredictResponseDto extends createZodDto(PredictResponseSchema) {}
class ModelIdPathDto extends createZodDto(z.strictObject({ id: z.uuid('not a model id') })) {}

const badUpload = (message: string, field = 'model') => new DomainError('VALIDATION_FAILED', message, { fieldErrors: [{ field, message }] });

/** The model registry: quants upload and promote; admins and compliance read. */
@ApiTags('ml')
@ApiBearerAuth()
@Controller('api/v1/models')
export class ModelsController {
  constructor(
    @Inject(RegisterModelUseCase) private readonly register: RegisterModelUseCase,
    @Inject(PromoteModelUseCase) private readonly promoteModel: PromoteModelUseCase,
    @Inject(PredictUseCase) private readonly predictor: PredictUseCase,
    @Inject(ListModelsQuery) private readonly listModels: ListModelsQuery,
    @Inject(GetModelQuery) private readonly getModel: GetModelQuery,
  ) {}

  /** multipart/form-data: `model` = the .onnx file, `card` = the JSON model card (a file or a field). 201 in `staging`. */
  @Post()
  @ApiProblems(409, 422)
  @Roles('quant')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['model', 'card'], properties: { model: { type: 'string', format: 'binary' }, card: { type: 'string', format: 'binary' } } } })
  @ZodResponse({ status: 201, type: ModelResponseDto })
  async upload(@Req() req: FastifyRequest, @CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta) {
    if (!req.isMultipart()) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send multipart/form-data with the parts `model` (.onnx file) and `card` (JSON)');
    let model: Buffer | undefined;
    let card: string | undefined;
    try {
      for await (const part of req.parts()) {
        if (part.fieldname !== 'model' && part.fieldname !== 'card') throw badUpload(`Unknown part "${part.fieldname.slice(0, 40)}": send only model and card`, part.fieldname.slice(0, 40));
        if (part.fieldname === 'model' ? model !== undefined : card !== undefined) throw badUpload(`The part ${part.fieldname} was sent twice`, part.fieldname);
        const bytes = part.type === 'file' ? await part.toBuffer() : Buffer.from(String(part.value));
        if (part.fieldname === 'model') {
          if (part.type !== 'file') throw badUpload('model must be a file (the .onnx)');
          model = bytes;
        } else card = bytes.toString('utf8');
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
        throw new DomainError('PAYLOAD_TOO_LARGE', 'The upload is larger than the server accepts (MODEL_UPLOAD_MAX_BYTES) or has too many parts');
      }
      if (err instanceof DomainError) throw err;
      throw badUpload(`The multipart body could not be read: ${(err as Error).message.slice(0, 200)}`);
    }
    if (!model) throw badUpload('The part `model` (the .onnx file) is missing');
    if (card === undefined) throw badUpload('The part `card` (the JSON model card) is missing', 'card');
    return { model: await this.register.execute({ model: new Uint8Array(model), card }, principal.userId, meta) };
  }

  @Get()
  @Roles('quant', 'admin', 'compliance')
  @ZodResponse({ status: 200, type: ModelListDto })
  async list() {
    return { items: await this.listModels.execute() };
  }

  @Get(':id')
  @Roles('quant', 'admin', 'compliance')
  @ZodResponse({ status: 200, type: ModelDetailDto })
  async detail(@Param() p: ModelIdPathDto) {
    return this.getModel.execute(p.id);
  }

  /** Moves the model to `stage`; to production it replaces (archives) the current production model of its name. */
  @Post(':id/promote')
  @ApiProblems(409)
  @HttpCode(200)
  @Roles('quant')
  @ZodResponse({ status: 200, type: PromoteResponseDto })
  promote(@Param() p: ModelIdPathDto, @Body() body: PromoteModelDto, @CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta) {
    return this.promoteModel.execute(p.id, body.stage, principal.userId, meta);
  }

  @Post(':id/predict')
  @ApiProblems(422)
  @HttpCode(200)
  @Roles('quant', 'admin')
  @ZodResponse({ status: 200, type: PredictResponseDto })
  predict(@Param() p: ModelIdPathDto, @Body() body: PredictDto) {
    return this.predictor.execute(p.id, body);
  }
}
