import { detectorSuite } from '../../../helpers/detector-suite.ts';

detectorSuite('stripeKey', {
  masked: [
    ['stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'stripe <stripeKey>'],
    ['rk_test_bK5QpVB3zWoRBuCAcBSXO16lEqCGgevnRphPH6dwJEvR', '<stripeKey>'],
  ],
  kept: ['pk_live_4eC39HqLyjWDarjtT1zdp7dc', 'sk_prod_4eC39HqLyjWDarjtT1zdp7dc', 'task_live_short'],
});
