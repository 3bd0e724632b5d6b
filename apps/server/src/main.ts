import { ConfigError, loadServerConfig } from './config.js';
import { startService } from './service.js';

/** `pnpm --filter @harmony/server start`: runs until SIGTERM/SIGINT, then shuts down gracefully. */
try {
  const service = await startService({ config: loadServerConfig() });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      service.log.warn({ signal }, 'second signal: exiting without waiting for running jobs');
      process.exit(1);
    }
    service.log.info({ signal }, 'signal received');
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        service.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
