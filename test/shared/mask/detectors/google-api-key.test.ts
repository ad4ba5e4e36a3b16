import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('googleApiKey', {
  masked: [['?key=AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe&x=1', '?key=<googleApiKey>&x=1']],
  kept: ['AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQ', 'AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQeX'],
});
