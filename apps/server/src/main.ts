import { ConfigError, loadServerConfig } from './config.js';
import { type RunningService, startService } from './service.js';

/** `pnpm --filter @harmony/server start`: runs until SIGTERM/SIGINT, then shuts down gracefully. */
const started = Promise.resolve().then(() => startService({ config: loadServerConfig() }));
let service: RunningService | undefined;
let signals = 0;

// Listening before start-up ends: the queue runs jobs before the HTTP server is up, and a signal
// in that window must still end and release them, not kill the process mid-job.
const onSignal = (signal: NodeJS.Signals) => {
  signals += 1;
  if (signals > 1) {
    if (service) service.log.warn({ signal }, 'second signal: exiting without waiting for running jobs');
    process.exit(1);
  }
  started
    .then((running) => {
      running.log.info({ signal }, 'signal received');
      return running.stop();
    })
    .then(
      () => process.exit(0),
      (error: unknown) => {
        if (service) service.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

try {
  service = await started;
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
