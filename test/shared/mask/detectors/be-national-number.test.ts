import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('beNationalNumber', {
  masked: [
    ['rijksregisternummer 85.07.30-033.28', 'rijksregisternummer <beNationalNumber>'],
    ['printed 85.07.30-033.28', 'printed <beNationalNumber>'],
    ['INSZ: 37010105619', 'INSZ: <beNationalNumber>'],
    // Born in 2000 or later: the check is computed with a 2 in front.
    ['niss=00010100105', 'niss=<beNationalNumber>'],
  ],
  kept: ['85.07.30-033.29', 'order 85073003328', 'INSZ: 85073003329'],
});
