import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('connectionStringPassword', {
  masked: [
    [
      'Server=tcp:db.example.com,1433;Database=app;User ID=sa;Password=S3cr3t!pass;Encrypt=true',
      'Server=tcp:db.example.com,1433;Database=app;User ID=sa;Password=<connectionStringPassword>;Encrypt=true',
    ],
    [
      'Driver={ODBC Driver 18};Server=db;Uid=app;Pwd={a;b}}c};',
      'Driver={ODBC Driver 18};Server=db;Uid=app;Pwd=<connectionStringPassword>;',
    ],
  ],
  kept: ['Server=db;Password=;Database=x', 'Pwd is required'],
});
