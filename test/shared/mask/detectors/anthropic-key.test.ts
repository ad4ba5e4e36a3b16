import { detectorSuite } from '../../../helpers/detector-suite.ts';

const key = `sk-ant-api03-${'tf-DegMuN8_OHgOa47CEps6sosDssMvvWbfl5aXtvuSqgcs6BxVdDPQGuWUbi4bI53t6cEEC7ttE-VccN1TxcX5Dv8kF0'}AA`;
detectorSuite('anthropicKey', {
  masked: [[`x-api-key ${key}`, 'x-api-key <anthropicKey>']],
  kept: ['sk-ant-api03-short', `${key.slice(0, -2)}AB`.slice(0, 40)],
});
