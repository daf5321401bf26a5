import { confirm, input, number, password, select } from '@inquirer/prompts';
import { PassThrough } from 'node:stream';
import type { CliIO } from './context.js';

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

  text(
    message: string,
    options: { default?: string; check?: Check; required?: boolean } = {},
  ): Promise<string> {
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
    const value = await number(
      { message, default: options.default, min: options.min, max: options.max, required: true },
      this.context,
    );
    return value as number;
  }

  /** Hidden input: the value is never echoed. */
  secret(message: string, check?: Check): Promise<string> {
    return password(
      {
        message,
        mask: true,
        validate: (value: string) => (value.length === 0 ? 'required' : (check?.(value) ?? true)),
      },
      this.context,
    );
  }

  choose<T extends string>(message: string, choices: Choice<T>[], defaultValue?: T): Promise<T> {
    return select<T>({ message, choices, default: defaultValue }, this.context);
  }

  yesNo(message: string, defaultValue = false): Promise<boolean> {
    return confirm({ message, default: defaultValue }, this.context);
  }
}
