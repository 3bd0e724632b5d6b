import { describeStack, startLocalStack, stopOnSignals } from './local.js';

/** `pnpm stack`: the local backend on one port until SIGINT/SIGTERM. */
startLocalStack()
  .then((local) => {
    console.log(describeStack(local));
    stopOnSignals(local.stop);
  })
  .catch((error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
