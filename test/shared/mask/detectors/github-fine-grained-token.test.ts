import { detectorSuite } from '../../../helpers/detector-suite.ts';

const pat = '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';
detectorSuite('githubFineGrainedToken', {
  masked: [
    [`GH_TOKEN=${pat} gh api`, 'GH_TOKEN=<githubFineGrainedToken> gh api'],
    [pat, '<githubFineGrainedToken>'],
  ],
  kept: ['github_pat_tooShort', 'see github_pat_ docs'],
});
