// Public entry of @spyglass/trainer: the run behind `npx nx run trainer:run`, for embedding and tests.
export { parseTrainerArgs, TRAINER_USAGE } from './trainer-args.js';
export type { TrainerArgs } from './trainer-args.js';
export { renderTrainerResult, runTrainer } from './run-trainer.js';
export type { TrainerEnvironment, TrainerResult } from './run-trainer.js';
