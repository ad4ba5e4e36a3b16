import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('btcAddress', {
  masked: [
    ['pay 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 now', 'pay <btcAddress> now'],
    ['to 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'to <btcAddress>'],
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', '<btcAddress>'],
    ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', '<btcAddress>'],
  ],
  kept: [
    '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3',
    'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5',
    'Bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
    '1Http2ServerConnectionManagerFactory',
  ],
});
