/**
 * The outlet profiles. Adding an outlet: one module exporting an OutletProfile, one line here,
 * one fixture under tests/fixtures/outlets/.
 */
import type { Outlet } from '../../schema/article.ts';
import type { Detection, OutletProfile, SourceDocument } from '../types.ts';
import { dw } from './dw.ts';
import { generic, genericOutlet } from './generic.ts';
import { xinhua } from './xinhua.ts';
import { zaker } from './zaker.ts';
import { zaobao } from './zaobao.ts';

export const PROFILES: readonly OutletProfile[] = [zaker, dw, zaobao, xinhua];

export interface OutletMatch {
  profile: OutletProfile;
  outlet: Outlet;
  detection: Detection;
  known: boolean;
}

export function detectOutlet(doc: SourceDocument): OutletMatch {
  let best: { profile: OutletProfile; detection: Detection } | null = null;
  for (const profile of PROFILES) {
    const detection = profile.detect(doc);
    if (detection && (!best || detection.score > best.detection.score)) best = { profile, detection };
  }
  if (best) return { ...best, outlet: best.profile.outlet, known: true };
  return { profile: generic, outlet: genericOutlet(doc), detection: generic.detect(doc)!, known: false };
}

/** Known wire agencies and outlets by their Chinese names, for `origin`. */
export const AGENCIES: ReadonlyArray<[RegExp, string]> = [
  [/新华社|新华网/, 'xinhua'],
  [/中新社|中国新闻社|中新网/, 'chinanews'],
  [/人民日报|人民网/, 'people'],
  [/央视|中央电视台|总台/, 'cctv'],
  [/路透社|Reuters/i, 'reuters'],
  [/法新社|AFP/, 'afp'],
  [/美联社|AP\b/, 'ap'],
  [/德国之声/, 'dw'],
  [/联合早报/, 'zaobao'],
];

export function agencyId(name: string): string | null {
  for (const [re, id] of AGENCIES) if (re.test(name)) return id;
  return null;
}
