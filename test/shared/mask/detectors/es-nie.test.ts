import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('esNie', {
  masked: [
    ['NIE X1234567L', 'NIE <esNie>'],
    ['nie=Y0059007A', 'nie=<esNie>'],
  ],
  kept: ['NIE X1234567A', 'W1234567L', 'X12345678L'],
});
