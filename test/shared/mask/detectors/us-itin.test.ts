import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('usItin', {
  masked: [
    ['itin 912-70-1234', 'itin <usItin>'],
    ['form W-7 900 94 1234 ok', 'form W-7 <usItin> ok'],
    ['ITIN=912701234', 'ITIN=<usItin>'],
  ],
  kept: ['912-69-1234', '912-89-1234', '912-93-1234', 'order 912701234', '2912-70-1234'],
});
