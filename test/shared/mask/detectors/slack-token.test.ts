import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('slackToken', {
  masked: [['bot xoxb-157056917514-1106621832527-qCGgevnRphPH6dwJEvR7MmD0 ok', 'bot <slackToken> ok']],
  kept: ['xoxb-not-a-token', 'use xoxp- tokens', 'xapp-later'],
});
