import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ZodValidationPipe } from 'nestjs-zod';
import { textInputProblems } from '@tradeloop/contracts';
import { DomainError } from '@tradeloop/domain';

const CHECKED: ReadonlySet<ArgumentMetadata['type']> = new Set(['body', 'query', 'param']);

/**
 * The contract layer, in front of every route: each body, query and path parameter first passes
 * the one text rule (well-formed Unicode, no NUL: `textInputProblems`), then its zod schema
 * (lengths, formats, unknown fields). Either failure is a 400 problem document before any use
 * case runs, so nothing is stored. Headers we read are checked where they are read (the bearer
 * token, Idempotency-Key and X-Request-Id by their patterns); Node's parser refuses NUL and
 * control characters in any header before a route is reached.
 */
@Injectable()
export class ContractPipe implements PipeTransform {
  private readonly zod = new ZodValidationPipe();

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (CHECKED.has(metadata.type)) {
      const errors = textInputProblems(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
      if (errors.length > 0)
        throw new DomainError('VALIDATION_FAILED', 'The request contains text that cannot be accepted', { fieldErrors: errors });
    }
    return this.zod.transform(value, metadata);
  }
}
