import { z } from 'zod';

export const HealthSchema = z.object({ status: z.literal('ok') });

export const DependencyStatusSchema = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number().optional(),
  error: z.string().optional(),
});
export const ReadinessSchema = z.object({
  status: z.enum(['ready', 'not_ready', 'shutting_down']),
  checks: z.object({ postgres: DependencyStatusSchema, redis: DependencyStatusSchema, queue: DependencyStatusSchema }),
});
export type Readiness = z.infer<typeof ReadinessSchema>;
