import { stemmer } from 'stemmer';

/**
 * Words that ask for the same thing in the communities feelers serves (people ops, L&D,
 * coaching, community building, engineering), each group folded onto its first word at indexing
 * and at search: "redundancies" finds "layoffs", "freelancers" finds "contractors". Only words a
 * person in these fields would use for one another; a word with a second common meaning stays
 * out (a "range" is not always pay). Written for feelers; bench/search-quality.ts measures with
 * and without them (the set was written by the same hand, so the "with" figure is the optimistic one).
 */
const GROUPS: readonly string[] = [
  'layoff redundancy redundancies downsizing',
  'salary salaries pay compensation wage wages remuneration',
  'employee staff worker workers colleague colleagues personnel',
  'recruit recruiting recruitment hire hiring',
  'candidate applicant applicants interviewee interviewees',
  'onboard onboarding induction',
  'joiner joiners starter starters newcomer newcomers',
  'mentor mentoring mentorship mentors',
  'manager boss supervisor',
  'remote distributed',
  'offsite retreat awayday',
  'icebreaker icebreakers energiser energisers',
  'training course courses',
  'programme program scheme',
  'template example sample',
  'burnout exhaustion',
  'exit leaver leavers',
  'contractor contractors freelancer freelancers',
  'handbook manual',
  'policy policies guideline guidelines',
  'measure metric metrics evaluate evaluation assess track kpi kpis',
  'gender women female',
  'neurodivergent neurodiversity autistic adhd dyslexic',
  'appreciation appreciate recognition recognise recognize reward rewarding',
  'wellbeing wellness',
  'bereavement grief death',
  'conflict dispute disagreement',
  'kubernetes k8s',
  'postmortem post-mortem post-incident',
  'standup stand-up standups',
  'retrospective retro retros',
  'documentation docs wiki',
  'okr okrs goal goals objective objectives',
  'lms lxp',
  'elearning e-learning',
  'microlearning bite-sized',
  'budget spend',
  'price pricing charge fee fees',
  'meetup meetups event events',
  'isolation isolated loneliness lonely',
  'confidentiality confidential',
  'reluctant unwilling resistant',
  'ladder progression',
  'rejection reject unsuccessful',
  'toxic rude aggressive',
  'transparent transparency publish',
  'icebreaker opening',
];

const canonical = new Map<string, string>();
for (const group of GROUPS) {
  const [head = '', ...rest] = group.split(' ').map((w) => stemmer(w.replace(/-/g, '')));
  for (const w of rest) if (!canonical.has(w)) canonical.set(w, head);
}

/** The stem a stemmed word is indexed under: its group's first word, or itself. */
export function canonicalStem(stem: string): string {
  return canonical.get(stem) ?? stem;
}
