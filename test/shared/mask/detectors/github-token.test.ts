import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('githubToken', {
  masked: [['GITHUB_TOKEN=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', 'GITHUB_TOKEN=<githubToken>']],
  // Last character changed: the CRC-32 no longer matches. Too short, wrong prefix.
  kept: ['gho_hLFiQmgDuOsPMoY2TM0FICy2CLeYYb2C8S4Y', 'ghp_short', 'ghx_hLFiQmgDuOsPMoY2TM0FICy2CLeYYb2C8S4X'],
});
