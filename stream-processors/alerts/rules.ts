/**
 * Alert rules: what a tenant watches (scope), how (detector, window, baseline, thresholds) and
 * where alerts go (channels). Stored in PostgreSQL (`alert_rules`), managed through the read API
 * (`/v1/alert-rules`) and read by the alert service; a tenant with no rules gets DEFAULT_RULES.
 *
 * Windows are tumbling and aligned to UTC; the service keeps hourly buckets, so a window is a
 * whole number of hours that divides a day.
 */
import { z } from 'zod';

export const DETECTORS = ['negative_share', 'volume_spike', 'emerging_aspect'] as const;
export type Detector = (typeof DETECTORS)[number];

/** What the rule aggregates by: each aspect, each category, or the entity as a whole. */
export const LEVELS = ['aspect', 'category', 'entity'] as const;
export type Level = (typeof LEVELS)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const BUCKET_MS = 60 * 60 * 1000;
export const WINDOW_MINUTES = [60, 120, 180, 240, 360, 480, 720, 1440] as const;

const optionalText = z.string().trim().min(1).max(200).nullable().default(null);

/** Thresholds; what each detector reads is in detectors.ts, unset ones take the detector's defaults. */
export const thresholdsSchema = z
  .object({
    /** Significance: one-sided z score the change must reach (negative_share, volume_spike). */
    z: z.number().min(1).max(10).optional(),
    /** Smallest absolute rise of the negative share, 0..1 (negative_share). */
    min_change: z.number().min(0).max(1).optional(),
    /** Smallest ratio of observed to expected mentions (volume_spike). */
    min_ratio: z.number().min(1).max(1000).optional(),
    /** Smallest negative share of a new aspect's mentions, 0..1 (emerging_aspect). */
    min_negative_share: z.number().min(0).max(1).optional(),
    /** Most mentions over the whole baseline for an aspect to count as new (emerging_aspect). */
    max_baseline_mentions: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();
export type Thresholds = z.infer<typeof thresholdsSchema>;

export const channelSchema = z
  .object({ type: z.literal('webhook'), url: z.string().url().max(2000) })
  .strict();
export type Channel = z.infer<typeof channelSchema>;

/** A rule as created or replaced through the API (id, tenant and timestamps are the store's). */
export const ruleInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    detector: z.enum(DETECTORS),
    level: z.enum(LEVELS),
    entity: optionalText,
    normalized_aspect: optionalText,
    category: optionalText,
    window_minutes: z
      .number()
      .int()
      .refine((m) => (WINDOW_MINUTES as readonly number[]).includes(m), {
        message: `must be one of ${WINDOW_MINUTES.join(', ')}`,
      })
      .default(60),
    baseline_windows: z
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(168),
    min_mentions: z.number().int().min(1).max(1_000_000).default(30),
    thresholds: thresholdsSchema.default({}),
    cooldown_minutes: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .default(360),
    severity: z.enum(SEVERITIES).default('warning'),
    channels: z.array(channelSchema).max(10).default([]),
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.level === 'entity' && (r.normalized_aspect || r.category))
      ctx.addIssue({ code: 'custom', message: 'an entity-level rule cannot filter by aspect or category' });
    if (r.level === 'category' && r.normalized_aspect)
      ctx.addIssue({ code: 'custom', message: 'a category-level rule cannot filter by aspect' });
    if (r.detector === 'emerging_aspect' && r.level !== 'aspect')
      ctx.addIssue({ code: 'custom', message: 'emerging_aspect watches aspects: level must be aspect' });
  });
export type RuleInput = z.input<typeof ruleInputSchema>;
export type RuleSpec = z.output<typeof ruleInputSchema>;

export interface Rule extends RuleSpec {
  /** uuid of the stored rule, or `default:<name>` for a built-in default. */
  id: string;
  tenant: string;
}

/** Rules of a tenant that has stored none. */
export const DEFAULT_RULE_SPECS: readonly RuleSpec[] = [
  { name: 'aspect-negative-share', detector: 'negative_share', level: 'aspect' },
  { name: 'category-negative-share', detector: 'negative_share', level: 'category' },
  { name: 'entity-negative-share', detector: 'negative_share', level: 'entity' },
  { name: 'entity-volume-spike', detector: 'volume_spike', level: 'entity', severity: 'info' },
  {
    name: 'emerging-aspect',
    detector: 'emerging_aspect',
    level: 'aspect',
    min_mentions: 10,
  },
].map((r) => ruleInputSchema.parse(r));

export function defaultRules(tenant: string): Rule[] {
  return DEFAULT_RULE_SPECS.map((spec) => ({ ...spec, id: `default:${spec.name}`, tenant }));
}
