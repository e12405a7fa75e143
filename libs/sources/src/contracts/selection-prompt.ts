import { SELECTION_QUESTIONS, checkParams, type InputFunction, type SelectionParams } from './contract-selector.js';

/**
 * The original's step-26 prompt: asks every selection parameter in turn, showing the configured
 * value in brackets; an empty answer keeps it. The answers are validated like config values.
 * Apps call it only on an interactive terminal, never in CI.
 *
 * @example
 * ```ts
 * const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
 * const params = await promptSelectionParams((q) => rl.question(q), { underlying: 'SPY', increment: 0.5, nCalls: 4, nPuts: 4, expiry: 'same_day' });
 * ```
 */
export async function promptSelectionParams(input: InputFunction, defaults: Partial<SelectionParams>): Promise<SelectionParams> {
  const answers: Partial<Record<keyof SelectionParams, unknown>> = { ...defaults };
  for (const [key, question] of SELECTION_QUESTIONS) {
    const current = defaults[key];
    const answer = (await input(current === undefined ? question : `${question.replace(/: $/, '')} [${String(current)}]: `)).trim();
    if (answer !== '') answers[key] = answer;
  }
  if (answers.expiry === 'fixed') {
    const current = defaults.fixedExpiry;
    const answer = (await input(`Fixed expiration date (YYYY-MM-DD)${current ? ` [${current}]` : ''}: `)).trim();
    if (answer !== '') answers.fixedExpiry = answer;
  }
  return checkParams(answers);
}
