/**
 * Lianhe Zaobao (联合早报), from Jekyll mirrors: lazy images with site-relative `data-src`,
 * captions beside the figure, DFP and Innity ad slots and a Cxense paywall placeholder (the
 * shared clean-up removes those families).
 */
import type { OutletProfile } from '../types.ts';
import { frontMatterStrings, urlMatches } from './shared.ts';

export const zaobao: OutletProfile = {
  outlet: { id: 'zaobao', name: 'Lianhe Zaobao', nameZh: '联合早报' },
  timeZone: 'Asia/Singapore',
  detect(doc) {
    if (urlMatches(doc, /(?:^|\.)zaobao\.com(?:\.sg)?$/)) return { score: 0.9, reason: 'zaobao.com URL' };
    if (frontMatterStrings(doc, 'author').some((a) => /联合早报|聯合早報|zaobao/i.test(a)))
      return { score: 0.8, reason: 'front matter author 联合早报' };
    return null;
  },
  isOutletName: (name) => /^(?:联合早报|聯合早報|早报|Lianhe Zaobao|zaobao)$/i.test(name),
};
