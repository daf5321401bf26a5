import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerConfig } from './config.js';
import { registerHost } from './host.js';
import { registerList } from './list.js';
import { registerRunner } from './runner.js';

/** Each command lives in its own file and exports `register(program, ctx)`. Add new ones here. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const commands: RegisterCommand[] = [registerHost, registerRunner, registerList, registerConfig];
