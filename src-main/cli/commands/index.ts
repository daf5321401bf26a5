import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** Each command lives in its own file and exports `register(program, ctx)`. Add new ones here. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const commands: RegisterCommand[] = [];
