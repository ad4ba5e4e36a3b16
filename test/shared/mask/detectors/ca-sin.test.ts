import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('caSin', {
  masked: [
    ['SIN 130 692 544', 'SIN <caSin>'],
    ['social insurance number: 130-692-544', 'social insurance number: <caSin>'],
    ['sin=130692544', 'sin=<caSin>'],
  ],
  kept: ['order 130692544', 'SIN 130692545', 'SIN 046 454 286', 'SIN 830 692 548'],
});
