import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('atSvnr', {
  masked: [
    ['SVNR 1237 010180', 'SVNR <atSvnr>'],
    ['printed 1237 010180', 'printed <atSvnr>'],
    ['Sozialversicherungsnummer: 1237010180', 'Sozialversicherungsnummer: <atSvnr>'],
  ],
  kept: ['1238 010180', 'epoch 1237010180', 'SVNR 1237 013280', 'SVNR 1237 320180'],
});
