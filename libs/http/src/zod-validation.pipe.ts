import { type PipeTransform } from '@nestjs/common';
import { DomainError } from '@switchyard/errors';
import type { z } from 'zod';

/** Parses a body, query or path parameter with a zod schema; failures are 400 with each invalid field listed. */
export class ZodValidationPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  /** The schema and what it validates are public: the OpenAPI document is read off them. */
  constructor(
    readonly schema: T,
    readonly what = 'request',
  ) {}

  transform(value: unknown): z.infer<T> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    // One error per field: the first found (a wrong type, say) makes the checks after it moot.
    const byPath = new Map<string, string>();
    for (const issue of result.error.issues) {
      const path = issue.path.map(String).join('.') || this.what;
      if (!byPath.has(path)) byPath.set(path, issue.message);
    }
    const errors = [...byPath].map(([path, message]) => ({ path, message }));
    throw new DomainError(
      'VALIDATION_FAILED',
      `Invalid ${this.what}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      { errors },
    );
  }
}
