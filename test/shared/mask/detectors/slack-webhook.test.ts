import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('slackWebhook', {
  masked: [
    [
      'POST https://hooks.slack.com/services/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 200',
      'POST https://hooks.slack.com/<slackWebhook> 200',
    ],
  ],
  kept: ['https://hooks.slack.com/', 'docs at api.slack.com/messaging/webhooks'],
});
