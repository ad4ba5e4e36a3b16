import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('frNir', {
  masked: [
    ['nir 2 51 08 37 492 954 22', 'nir <frNir>'],
    ['insee=221020344700851', 'insee=<frNir>'],
    ['Corsica 185052A12345633 and 2 85 04 2B 001 002 34', 'Corsica <frNir> and <frNir>'],
  ],
  kept: [
    'nir 221020344700852',
    'ref 2210203447008510',
    'id 185052A12345634',
    'ts 1733150000000 ok',
    '321020344700851',
  ],
});
