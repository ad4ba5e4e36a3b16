import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('ukNino', {
  masked: [
    ['NINO AB123456C', 'NINO <ukNino>'],
    ['National Insurance number: RZ 70 56 91 B', 'National Insurance number: <ukNino>'],
    ['{"ni_number":"ZC740005A"}', '{"ni_number":"<ukNino>"}'],
  ],
  kept: ['ref AB123456C', 'NINO GB123456A', 'NINO DA123456A', 'NINO AB123456E', 'NINO AO123456A'],
});
