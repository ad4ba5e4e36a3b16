import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('ukNhs', {
  masked: [
    ['NHS 9434765919', 'NHS <ukNhs>'],
    ['nhs_number=943 476 5919', 'nhs_number=<ukNhs>'],
    ['patient 943-476-5919', 'patient <ukNhs>'],
  ],
  kept: ['took 9434765919', 'NHS 9434765918', 'NHS 94347659190', 'NHS 1234567890'],
});
