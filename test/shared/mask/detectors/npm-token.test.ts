import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('npmToken', {
  masked: [
    [
      '//registry.npmjs.org/:_authToken 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',
      '//registry.npmjs.org/:_authToken <npmToken>',
    ],
  ],
  kept: ['npm_rhLFiQmgDuOsPMoY2TM0FICy2CLeYY0NXVF4', 'npm_install_failed'],
});
