import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { LearnDataError } from "./errors.js";

/** How a landing model did on attempts it did not learn from, as `npm run arena:model` writes it. */
export const modelEvaluationSchema = z
  .object({
    trainSeeds: z.array(z.number().int()),
    testSeeds: z.array(z.number().int()),
    train: z.number().int().nonnegative(),
    count: z.number().int().positive(),
    baseRate: z.number().min(0).max(1),
    brier: z.number().min(0).max(1),
    baseRateBrier: z.number().min(0).max(1),
    logLoss: z.number().min(0),
    reliability: z.array(
      z.object({
        lower: z.number(),
        upper: z.number(),
        count: z.number().int().nonnegative(),
        meanPredicted: z.number().nullable(),
        observedFrequency: z.number().nullable(),
      }),
    ),
  })
  .strict();
export type ModelEvaluation = z.infer<typeof modelEvaluationSchema>;

/** Where a model's evaluation is kept: beside it, `model.json` → `model.evaluation.json`. */
export function evaluationPath(modelPath: string): string {
  return `${modelPath.replace(/\.json$/, "")}.evaluation.json`;
}

/**
 * The evaluation kept beside a model, if there is one.
 * @throws LearnDataError when the file is there but is not an evaluation.
 */
export function readEvaluation(modelPath: string): ModelEvaluation | undefined {
  const path = evaluationPath(modelPath);
  if (!existsSync(path)) return undefined;
  const parsed = modelEvaluationSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success)
    throw new LearnDataError(`${path} is not a landing model's evaluation.`, {
      details: "Write it again with `npm run arena:model`, or remove it.",
    });
  return parsed.data;
}
