import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('plPesel', {
  masked: [
    ['PESEL 44051401359', 'PESEL <plPesel>'],
    ['"pesel":"21220156681"', '"pesel":"<plPesel>"'],
  ],
  kept: ['PESEL 44051401358', 'order 44051401359', 'PESEL 44133101357', 'PESEL 440514013590'],
});
