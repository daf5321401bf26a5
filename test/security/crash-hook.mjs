/* global process, setImmediate */
// Loaded into the service with --import by the canary test: SIGUSR2 raises an uncaught error in the
// service's event loop, to check what a crash prints.
process.on('SIGUSR2', () => {
  setImmediate(() => {
    throw new Error('induced crash for the canary test');
  });
});
