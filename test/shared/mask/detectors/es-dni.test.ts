import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('esDni', {
  masked: [
    ['DNI 12345678Z', 'DNI <esDni>'],
    ['nif=49844599-B;', 'nif=<esDni>;'],
  ],
  kept: ['DNI 12345678A', 'sku 123456789Z', 'order A12345678Z', '12345678 Z-axis'],
});
