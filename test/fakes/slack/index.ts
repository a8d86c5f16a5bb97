export { FakeSlack, type FakeSlackOptions, type FakeUser, type Injection, type RecordedCall, type StoredMessage } from './fake-web-api.js';
export { SlackDriver, slackSignature, type DriverResponse, type SendOptions } from './signed-driver.js';
export { TokenBuckets, slackPostLimits, type RateLimits } from './token-buckets.js';
export { startSlackStack, type SlackStack } from './stack.js';
