import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('itFiscalCode', {
  masked: [
    ['cf RSSMRA85T10A562S', 'cf <itFiscalCode>'],
    ['codice_fiscale=rssmra85t10a562s', 'codice_fiscale=<itFiscalCode>'],
  ],
  kept: ['cf RSSMRA85T10A562T', 'RsSmRa85T10A562S', 'XRSSMRA85T10A562S'],
});
