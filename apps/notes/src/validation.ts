import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { NotesError } from './errors.js';

/** zod validation whose failure is the usual 400 `invalid_input` body (not the validator's own). */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (result.success) return;
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || target}: ${issue.message}`);
    throw new NotesError('invalid_input', problems.join('; '));
  });
}
