import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('fiHetu', {
  masked: [
    ['hetu 131052-308T', 'hetu <fiHetu>'],
    ['born 210803A5107 ok', 'born <fiHetu> ok'],
  ],
  kept: ['hetu 131052-308U', 'hetu 311352-308T', 'x131052-308T', '131052-308TX'],
});
