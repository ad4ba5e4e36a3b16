import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('nlBsn', {
  masked: [
    ['BSN: 111222333', 'BSN: <nlBsn>'],
    ['burgerservicenummer 1112.22.333', 'burgerservicenummer <nlBsn>'],
  ],
  kept: ['order 111222333', 'BSN: 111222334', 'BSN: 1112223330', 'bsn 000000000'],
});
