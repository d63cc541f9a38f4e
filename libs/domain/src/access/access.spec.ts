import { canAccessSection, hasAnyRole, isRole, landingSection, normalizeRoles, ROLES, sectionsFor, SECTION_ROLES } from '.';

describe('roles', () => {
  it('recognises exactly the five roles', () => {
    expect(ROLES).toEqual(['admin', 'trader', 'quant', 'compliance', 'viewer']);
    for (const r of ROLES) expect(isRole(r)).toBe(true);
    for (const v of ['Admin', 'root', '', null, 1, undefined]) expect(isRole(v)).toBe(false);
  });

  it('normalises to canonical order without duplicates', () => {
    expect(normalizeRoles(['viewer', 'admin', 'viewer', 'trader'])).toEqual(['admin', 'trader', 'viewer']);
    expect(normalizeRoles([])).toEqual([]);
  });

  it('an empty requirement is met by anyone', () => {
    expect(hasAnyRole([], [])).toBe(true);
    expect(hasAnyRole(['viewer'], ['admin'])).toBe(false);
  });
});

describe('sections', () => {
  it.each([
    [['trader'], ['trade', 'portfolio']],
    [['viewer'], ['portfolio']],
    [['quant'], ['quant']],
    [['compliance'], ['compliance']],
    [['admin'], ['trade', 'portfolio', 'quant', 'compliance', 'admin']],
    [
      ['trader', 'compliance'],
      ['trade', 'portfolio', 'compliance'],
    ],
    [[], []],
  ] as const)('%j sees %j', (roles, sections) => {
    expect(sectionsFor(roles)).toEqual(sections);
  });

  it('only admins reach admin', () => {
    for (const r of ROLES) expect(canAccessSection([r], 'admin')).toBe(r === 'admin');
  });

  it('every section is open to admin', () => {
    for (const roles of Object.values(SECTION_ROLES)) expect(roles).toContain('admin');
  });
});

describe('landingSection', () => {
  it('lands each user on the section of their main job', () => {
    expect(landingSection(['trader'])).toBe('trade');
    expect(landingSection(['admin', 'trader'])).toBe('trade');
    expect(landingSection(['admin'])).toBe('admin');
    expect(landingSection(['admin', 'compliance'])).toBe('admin');
    expect(landingSection(['quant'])).toBe('quant');
    expect(landingSection(['quant', 'compliance'])).toBe('quant');
    expect(landingSection(['compliance'])).toBe('compliance');
    expect(landingSection(['viewer'])).toBe('portfolio');
    expect(landingSection([])).toBeNull();
  });

  it('always lands on a section the roles may open', () => {
    const all = ['admin', 'trader', 'quant', 'compliance', 'viewer'] as const;
    for (let mask = 1; mask < 1 << all.length; mask += 1) {
      const roles = all.filter((_, i) => mask & (1 << i));
      const s = landingSection(roles);
      expect(s !== null && canAccessSection(roles, s), roles.join(',')).toBe(true);
    }
  });
});
