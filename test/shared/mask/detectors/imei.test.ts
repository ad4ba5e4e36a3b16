import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('imei', {
  masked: [
    ['imei=490154203237518', 'imei=<imei>'],
    ['"IMEI": "35-693803-564380-9"', '"IMEI": "<imei>"'],
    ['handset 49-015420-323751-8', 'handset <imei>'],
  ],
  kept: ['order 490154203237518', 'imei=490154203237519', 'imei=4901542032375180'],
});
