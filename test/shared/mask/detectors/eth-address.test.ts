import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('ethAddress', {
  masked: [
    ['to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'to <ethAddress>'],
    ['0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359', '<ethAddress>'],
  ],
  kept: [
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD',
    'tx 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed5aaeb6053f3e94c9b9a09f33',
    '0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea',
  ],
});
