export {
  FakeSlack,
  type FakeSlackOptions,
  type FakeTeam,
  type FakeUser,
  type Injection,
  type RecordedCall,
  type StoredMessage,
} from './fake-web-api.js';
export { FakeOAuth, type Approval } from './fake-oauth.js';
export { FakeSocketMode, type Envelope, type EnvelopeType } from './fake-socket-mode.js';
export { SlackDriver, slackSignature, type DriverResponse, type SendOptions } from './signed-driver.js';
export { TokenBuckets, slackPostLimits, type RateLimits } from './token-buckets.js';
export { startSlackStack, type SlackStack } from './stack.js';
