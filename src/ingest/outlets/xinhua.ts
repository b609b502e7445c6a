/**
 * Xinhua (新华社): its own sites, and newspaper reprints in plain text that open with a
 * dateline such as `据新华社电（记者 杨依军）` or `新华社北京11月16日电`.
 */
import type { OutletProfile } from '../types.ts';
import { bodyStart, urlMatches } from './shared.ts';

export const xinhua: OutletProfile = {
  outlet: { id: 'xinhua', name: 'Xinhua News Agency', nameZh: '新华社' },
  timeZone: 'Asia/Shanghai',
  detect(doc) {
    if (urlMatches(doc, /(?:^|\.)(?:xinhuanet\.com|news\.cn)$/)) return { score: 0.9, reason: 'Xinhua URL' };
    if (/^\s*(?:据)?新华社(?:[\u4e00-\u9fa5]{0,8}\d{0,2}月?\d{0,2}日?)?电/.test(bodyStart(doc, 60)))
      return { score: 0.7, reason: 'Xinhua dateline (新华社…电)' };
    return null;
  },
  isOutletName: (name) => /^(?:新华社|新华网|Xinhua)/i.test(name),
};
