import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('openaiKey', {
  masked: [
    [
      'OPENAI_API_KEY sk-proj-DegMuN8_OHgOa47CEps6sosT3BlbkFJVDQsEnumepropertyIsEnum',
      'OPENAI_API_KEY <openaiKey>',
    ],
    ['sk-abcdefghij0123456789T3BlbkFJabcdefghij0123456789', '<openaiKey>'],
  ],
  kept: ['sk-not-a-key-at-all-here', 'task-queue-worker-2-abcdefghij0123456789'],
});
