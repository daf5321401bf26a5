import { PassThrough } from 'node:stream';
import type { CliIO } from './context.js';

/** Inquirer is loaded at the first prompt: commands run from scripts never pay for it. */
const prompts = () => import('@inquirer/prompts');

/** Validation result for a prompt: true, or the message to show under it. */
type Check = (value: string) => true | string;

export interface Choice<T extends string> {
  value: T;
  name: string;
  description?: string;
}

/** Terminal prompts over the CLI's own streams (so tests drive them through the same streams). */
export class Prompter {
  constructor(private readonly io: CliIO) {}

  private get context() {
    // Inquirer ends its output stream when a prompt is done; a fresh pipe per prompt keeps ours open.
    const output = new PassThrough();
    output.pipe(this.io.stdout, { end: false });
    return { input: this.io.stdin, output, clearPromptOnDone: false };
  }

  async text(
    message: string,
    options: { default?: string; check?: Check; required?: boolean } = {},
  ): Promise<string> {
    const { input } = await prompts();
    return input(
      {
        message,
        default: options.default,
        required: options.required ?? true,
        validate: (value: string) =>
          value === '' && !options.required ? true : (options.check?.(value) ?? true),
      },
      this.context,
    );
  }

  async integer(message: string, options: { default?: number; min?: number; max?: number }): Promise<number> {
    const { number } = await prompts();
    const value = await number(
      { message, default: options.default, min: options.min, max: options.max, required: true },
      this.context,
    );
    return value as number;
  }

  /** Hidden input: the value is never echoed. */
  async secret(message: string, check?: Check): Promise<string> {
    const { password } = await prompts();
    return password(
      {
        message,
        mask: true,
        validate: (value: string) => (value.length === 0 ? 'required' : (check?.(value) ?? true)),
      },
      this.context,
    );
  }

  async choose<T extends string>(message: string, choices: Choice<T>[], defaultValue?: T): Promise<T> {
    const { select } = await prompts();
    return select<T>({ message, choices, default: defaultValue }, this.context);
  }

  async yesNo(message: string, defaultValue = false): Promise<boolean> {
    const { confirm } = await prompts();
    return confirm({ message, default: defaultValue }, this.context);
  }
}
