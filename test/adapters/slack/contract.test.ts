import { slackHarness } from '../../fakes/slack/contract-harness.js';
import { runAdapterContract } from '../../support/contracts/adapter-contract.js';

runAdapterContract('slack (real Bolt, fake Slack over 127.0.0.1)', slackHarness);
