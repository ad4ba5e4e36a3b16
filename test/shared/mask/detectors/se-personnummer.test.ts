import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('sePersonnummer', {
  masked: [
    ['pnr 811218-9876', 'pnr <sePersonnummer>'],
    ['born 19811218-9876', 'born <sePersonnummer>'],
    ['personnummer=8112189876', 'personnummer=<sePersonnummer>'],
    ['samordningsnummer 811278-9873', 'samordningsnummer <sePersonnummer>'],
  ],
  kept: ['pnr 811218-9875', 'epoch 8112189876', 'at 202612021430', '811318-9876'],
});
