import { describe, expect, it } from 'vitest';
import { QuitController } from '../../../src-main/app/quit-controller.js';

function setup(stop: () => Promise<void>) {
  const log: string[] = [];
  const timers: (() => void)[] = [];
  const controller = new QuitController({
    stopService: async () => {
      log.push('stop');
      await stop();
      log.push('stopped');
    },
    quit: () => log.push('quit'),
    onStopping: () => log.push('stopping'),
    onError: (error) => log.push(`error: ${(error as Error).message}`),
    setTimer: (callback) => timers.push(callback),
  });
  const beforeQuit = () => {
    let prevented = false;
    controller.beforeQuit(() => (prevented = true));
    return prevented;
  };
  return { controller, log, timers, beforeQuit };
}

describe('quit', () => {
  it('holds the first quit until the loop has stopped, then quits for real', async () => {
    let finish!: () => void;
    const { controller, log, beforeQuit } = setup(() => new Promise((resolve) => (finish = resolve)));
    expect(beforeQuit()).toBe(true);
    expect(controller.quitting).toBe(true);
    expect(beforeQuit()).toBe(true); // a second Quit while stopping changes nothing
    expect(log).toEqual(['stopping', 'stop']);
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['stopping', 'stop', 'stopped', 'quit']);
    expect(beforeQuit()).toBe(false); // app.quit() fires before-quit again: now it passes
  });

  it('still quits when stopping fails', async () => {
    const { log, beforeQuit } = setup(() => Promise.reject(new Error('loop stuck')));
    beforeQuit();
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['stopping', 'stop', 'error: loop stuck', 'quit']);
  });

  it('quits after the grace period when stopping hangs, and only once', async () => {
    const { log, timers, beforeQuit } = setup(() => new Promise(() => undefined));
    beforeQuit();
    expect(timers).toHaveLength(1);
    timers[0]!();
    timers[0]!();
    expect(log).toEqual(['stopping', 'stop', 'quit']);
  });
});
