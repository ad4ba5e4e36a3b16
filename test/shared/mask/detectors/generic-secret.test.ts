import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('genericSecret', {
  masked: [
    ['client_secret=FiQmgDuOsPMoY2TM0FICy2CLeYY', 'client_secret=<genericSecret>'],
    ['msg {\\"api_key\\":\\"bK5QpVB3zWoRBuCAcBSXO16lE\\"}', 'msg {\\"api_key\\":\\"<genericSecret>\\"}'],
    ['signing_key => Zx8Kq2Lm9Pw4Rt7Yv1Nb5Hc3', 'signing_key => <genericSecret>'],
  ],
  kept: ['rotate the api key every 90 days', 'tokens used 12', 'token refresh scheduled in 3600 s'],
});
