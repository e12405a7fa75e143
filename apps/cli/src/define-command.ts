import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from './output.js';

/**
 * A command as `defineCommand` takes it: the handler's arguments are inferred from what the builder
 * declares, so flags and handler cannot disagree and no cast is needed.
 *
 * @example
 * ```ts
 * const spec: CommandSpec<GlobalArgs & { n: number }> = {
 *   command: 'count', describe: 'counts', builder: (y) => y.option('n', { type: 'number', default: 1 }), handler: (a) => console.log(a.n),
 * };
 * ```
 */
export interface CommandSpec<A> {
  readonly command: string;
  /** Other names the command answers to (the original's, see apps/cli/README.md "Migration"). */
  readonly aliases?: readonly string[];
  readonly describe: string;
  readonly builder?: (y: Argv<GlobalArgs>) => Argv<A>;
  readonly handler: (args: ArgumentsCamelCase<A>) => void | Promise<void>;
}

/**
 * Defines a `spyglass` command with its argument types inferred from its builder.
 *
 * @example
 * ```ts
 * export const helloCommand = defineCommand({
 *   command: 'hello',
 *   describe: 'greets',
 *   builder: (y) => y.option('name', { type: 'string', default: 'world' }),
 *   handler: (a) => console.log(`hello ${a.name}`), // a.name: string
 * });
 * ```
 */
export function defineCommand<A = GlobalArgs>(spec: CommandSpec<A>): CommandModule<GlobalArgs, A> {
  const { aliases, builder, ...rest } = spec;
  return {
    ...rest,
    ...(aliases ? { aliases: [...aliases] } : {}),
    // yargs types a builder as returning Argv<A> from Argv<GlobalArgs>; ours is exactly that.
    ...(builder ? { builder } : {}),
  } as CommandModule<GlobalArgs, A>;
}
