import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('iePps', {
  masked: [
    ['PPS 1234567T', 'PPS <iePps>'],
    ['ppsn=1570569LA', 'ppsn=<iePps>'],
  ],
  kept: ['sku 1234567T', 'PPS 1234567A', 'PPS 12345678T'],
});
