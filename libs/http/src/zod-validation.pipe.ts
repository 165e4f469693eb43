import { type PipeTransform } from '@nestjs/common';
import { DomainError } from '@switchyard/errors';
import type { z } from 'zod';

/** Parses a body, query or path parameter with a zod schema; failures are 400 with every issue listed. */
export class ZodValidationPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(
    private readonly schema: T,
    private readonly what = 'request',
  ) {}

  transform(value: unknown): z.infer<T> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const errors = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || this.what,
      message: issue.message,
    }));
    throw new DomainError(
      'VALIDATION_FAILED',
      `Invalid ${this.what}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      { errors },
    );
  }
}
