export { loadStackConfig, type StackConfig } from './config.js';
export type { StackContext, StackEnv } from './context.js';
export { type ApiKeys, type JwtClaims, JwtError, mintApiKeys, signJwt, verifyJwt } from './jwt.js';
export { JwtKeys, loadSigningKeys, type SigningKey } from './jwt-keys.js';
export { configureLiveKit, type LiveKitSettings, liveKitFromEnv } from './livekit.js';
export { describeStack, type LocalStack, startLocalStack, stopOnSignals } from './local.js';
export { type RunningStack, startStack } from './server.js';
