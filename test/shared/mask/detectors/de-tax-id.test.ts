import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('deTaxId', {
  masked: [
    ['Steuer-ID: 86095742719', 'Steuer-ID: <deTaxId>'],
    ['{"steuerId":"86095742719"}', '{"steuerId":"<deTaxId>"}'],
    ['IdNr 27 930 615 430 ok', 'IdNr <deTaxId> ok'],
    ['printed 27 930 615 430', 'printed <deTaxId>'],
  ],
  kept: [
    'order 86095742719 shipped',
    'Steuer-ID: 86095742718',
    'Steuer-ID: 860957427190',
    'Steuer-ID: 2026-86095742719',
    'Steuer-ID: 11111111116',
    'took 1733150000123 ms',
  ],
});
