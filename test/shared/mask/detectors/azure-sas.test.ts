import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('azureSas', {
  masked: [
    [
      'GET /c/a.json?sv=2022-11-02&sp=r&sig=BIwGAgYBYKmFB%2FgCBvsnGQAFBQMGBgcO3wed5sU5BwE%3D 200',
      'GET /c/a.json?sv=2022-11-02&sp=r&sig=<azureSas> 200',
    ],
  ],
  kept: ['?sig=abc&sv=2022', '&sig=short'],
});
