import { detectorSuite } from '../../../helpers/detector-suite.ts';

const key = 'BIwGAgYBYKmFB/gCBvsnGQAFBQMGBgcO3wed5sU5BwGTLPozqAKPAFLk+gaDAwcABmEsbQUE6Vj8BFH5GrYrtA==';
detectorSuite('azureStorageKey', {
  masked: [
    [
      `DefaultEndpointsProtocol=https;AccountName=logs;AccountKey=${key};EndpointSuffix=core.windows.net`,
      'DefaultEndpointsProtocol=https;AccountName=logs;AccountKey=<azureStorageKey>;EndpointSuffix=core.windows.net',
    ],
  ],
  kept: ['AccountName=devstore;AccountKey=changeme', 'AccountKey=;EndpointSuffix=core.windows.net'],
});
