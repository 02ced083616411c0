import { expect } from 'chai';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  evaluateBooking,
  type BookingFacts,
  type EvaluationContext,
  type PolicyRules,
  type Verdict,
} from '@ones-m365/shared/bookings';

const MIN = 60_000;
const DAY = 86_400_000;
const BOOKED = new Date('2026-03-02T08:00:00.000Z'); // a Monday

const booking = (over: Partial<BookingFacts> = {}): BookingFacts => ({
  id: 'b1',
  start: new Date(BOOKED.getTime() + DAY + 2 * 3600_000),
  end: new Date(BOOKED.getTime() + DAY + 3 * 3600_000),
  isAllDay: false,
  bookedAt: BOOKED,
  organizerEmail: 'ann@contoso.com',
  attendeeCount: 3,
  ...over,
});
const ctx = (over: Partial<EvaluationContext> = {}): EvaluationContext => ({
  others: [],
  organizerGroups: ['g1'],
  roomCapacity: 8,
  ...over,
});
const ruleOf = (v: Verdict) => (v.ok ? null : v.rule);
const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toJSDate();

describe('booking policy evaluation', () => {
  it('a booking that keeps every rule is allowed; a rule left out is not checked', () => {
    const rules: PolicyRules = {
      maxDurationMinutes: 120,
      minDurationMinutes: 15,
      bookingWindowDays: 30,
      minNoticeMinutes: 30,
      allowRecurring: false,
      workingHours: { timeZone: 'UTC', days: ['monday', 'tuesday'], start: '08:00', end: '19:00' },
      allowConflicts: false,
      enforceCapacity: true,
      allowedGroupIds: ['g1'],
    };
    expect(evaluateBooking(rules, booking(), ctx())).to.deep.equal({ ok: true });
    expect(evaluateBooking({}, booking({ end: new Date(BOOKED.getTime() + 400 * DAY) }), ctx())).to.deep.equal({
      ok: true,
    });
  });

  it('names each broken rule with a sentence that says the limit', () => {
    const cases: [PolicyRules, Partial<BookingFacts>, Partial<EvaluationContext>, string, RegExp][] = [
      [{ maxDurationMinutes: 60 }, {}, {}, 'maxDurationMinutes', /at most 60 minutes; this one lasts 60/],
      [{ maxDurationMinutes: 30 }, {}, {}, 'maxDurationMinutes', /at most 30 minutes; this one lasts 60 minutes/],
      [{ minDurationMinutes: 90 }, {}, {}, 'minDurationMinutes', /at least 90 minutes; this one lasts 60 minutes/],
      [{ bookingWindowDays: 1 }, {}, {}, 'bookingWindowDays', /at most 1 day ahead; this booking starts 2 days ahead/],
      [
        { minNoticeMinutes: 2000 },
        {},
        {},
        'minNoticeMinutes',
        /at least 2,000 minutes before .* made 1,560 minutes before/,
      ],
      [
        { enforceCapacity: true },
        { attendeeCount: 9 },
        {},
        'enforceCapacity',
        /holds 8 people; this meeting invites 9/,
      ],
      [
        { allowedGroupIds: ['g2'] },
        {},
        { groupNames: new Map([['g2', 'Facilities']]) },
        'allowedGroupIds',
        /Only members of Facilities .* not in those groups/,
      ],
      [{ allowedGroupIds: ['g1'] }, {}, { organizerGroups: null }, 'allowedGroupIds', /not a known ONES user/],
      [
        { workingHours: { timeZone: 'Asia/Shanghai', days: ['monday'], start: '08:00', end: '12:00' } },
        {},
        {},
        'workingHours',
        /Mondays, 08:00–12:00 \(Asia\/Shanghai\); this booking is on Tuesday 2026-03-03, 18:00–19:00/,
      ],
    ];
    for (const [rules, b, c, rule, sentence] of cases) {
      const v = evaluateBooking(rules, booking(b), ctx(c));
      if (rule === 'maxDurationMinutes' && rules.maxDurationMinutes === 60) {
        expect(v.ok, 'exactly the maximum is allowed').to.equal(true);
        continue;
      }
      expect(v.ok, rule).to.equal(false);
      if (v.ok) continue;
      expect(v.rule).to.equal(rule);
      expect(v.sentence).to.match(sentence);
    }
  });

  it('checks the rules in a fixed order: the first one broken names the verdict', () => {
    const v = evaluateBooking(
      { maxDurationMinutes: 30, enforceCapacity: true, allowedGroupIds: ['g9'] },
      booking({ attendeeCount: 20 }),
      ctx(),
    );
    expect(ruleOf(v)).to.equal('allowedGroupIds');
  });

  it('conflicts: first come, first served; the earlier booking is never the one declined', () => {
    const mine = booking({ bookedAt: new Date(BOOKED.getTime() + MIN) });
    const other = { id: 'b0', start: mine.start, end: mine.end, isAllDay: false, bookedAt: BOOKED };
    expect(ruleOf(evaluateBooking({ allowConflicts: false }, mine, ctx({ others: [other] })))).to.equal(
      'allowConflicts',
    );
    const later = { ...other, bookedAt: new Date(BOOKED.getTime() + 2 * MIN) };
    expect(evaluateBooking({ allowConflicts: false }, mine, ctx({ others: [later] })).ok).to.equal(true);
    // Back to back is no conflict; a mirrored booking without a booking time counts as made first.
    const adjacent = { ...other, start: mine.end, end: new Date(mine.end.getTime() + 3600_000) };
    expect(evaluateBooking({ allowConflicts: false }, mine, ctx({ others: [adjacent] })).ok).to.equal(true);
    const legacy = { ...other, bookedAt: null };
    expect(ruleOf(evaluateBooking({ allowConflicts: false }, mine, ctx({ others: [legacy] })))).to.equal(
      'allowConflicts',
    );
    expect(evaluateBooking({ allowConflicts: true }, mine, ctx({ others: [legacy] })).ok).to.equal(true);
    // The booking itself in the list is not a conflict.
    expect(evaluateBooking({ allowConflicts: false }, mine, ctx({ others: [{ ...legacy, id: mine.id }] })).ok).to.equal(
      true,
    );
  });

  it('working hours are wall-clock times in the zone, on both sides of a daylight-saving change', () => {
    const wh = {
      timeZone: 'Europe/Berlin',
      days: ['friday', 'saturday', 'sunday', 'monday'] as const,
      start: '08:00',
      end: '19:00',
    };
    const rules: PolicyRules = { workingHours: { ...wh, days: [...wh.days] } };
    // 2026-03-29: clocks go forward at 02:00 in Berlin (UTC+1 → UTC+2).
    for (const day of ['2026-03-27', '2026-03-29', '2026-03-30']) {
      const ok = booking({
        start: at(`${day}T08:00`, 'Europe/Berlin'),
        end: at(`${day}T19:00`, 'Europe/Berlin'),
        bookedAt: new Date('2026-03-01T00:00:00Z'),
      });
      expect(evaluateBooking(rules, ok, ctx()).ok, day).to.equal(true);
      const early = booking({
        start: at(`${day}T07:59`, 'Europe/Berlin'),
        end: at(`${day}T09:00`, 'Europe/Berlin'),
        bookedAt: ok.bookedAt,
      });
      expect(ruleOf(evaluateBooking(rules, early, ctx())), day).to.equal('workingHours');
    }
    // The same UTC time is inside the hours before the change and outside after it.
    const utc = (iso: string) => new Date(iso);
    const before = booking({ start: utc('2026-03-27T17:30:00Z'), end: utc('2026-03-27T18:00:00Z') });
    const after = booking({ start: utc('2026-03-30T17:30:00Z'), end: utc('2026-03-30T18:00:00Z') });
    expect(evaluateBooking(rules, before, ctx()).ok).to.equal(true); // 18:30–19:00 CET
    expect(ruleOf(evaluateBooking(rules, after, ctx()))).to.equal('workingHours'); // 19:30–20:00 CEST
  });

  it('a booking across midnight breaks working hours; one ending at 24:00 keeps "24:00"', () => {
    const rules: PolicyRules = {
      workingHours: { timeZone: 'UTC', days: ['monday', 'tuesday'], start: '00:00', end: '24:00' },
    };
    const toMidnight = booking({ start: new Date('2026-03-02T22:00:00Z'), end: new Date('2026-03-03T00:00:00Z') });
    expect(evaluateBooking(rules, toMidnight, ctx()).ok).to.equal(true);
    const across = booking({ start: new Date('2026-03-02T22:00:00Z'), end: new Date('2026-03-03T01:00:00Z') });
    expect(ruleOf(evaluateBooking(rules, across, ctx()))).to.equal('workingHours');
  });

  it('durations are real minutes: a 02:00–04:00 booking on the spring-forward night lasts 60', () => {
    const b = booking({ start: at('2026-03-29T01:30', 'Europe/Berlin'), end: at('2026-03-29T03:30', 'Europe/Berlin') });
    expect(evaluateBooking({ minDurationMinutes: 60, maxDurationMinutes: 60 }, b, ctx()).ok).to.equal(true);
    expect(ruleOf(evaluateBooking({ minDurationMinutes: 61 }, b, ctx()))).to.equal('minDurationMinutes');
  });

  it('all-day bookings: 1,440 minutes a day, working days only, midnight to midnight in the zone for conflicts', () => {
    const sunday = booking({
      isAllDay: true,
      start: new Date('2026-03-29T00:00:00Z'),
      end: new Date('2026-03-30T00:00:00Z'),
    });
    expect(evaluateBooking({ maxDurationMinutes: 1440 }, sunday, ctx()).ok).to.equal(true);
    expect(ruleOf(evaluateBooking({ maxDurationMinutes: 1439 }, sunday, ctx()))).to.equal('maxDurationMinutes');
    const two = booking({
      isAllDay: true,
      start: new Date('2026-03-29T00:00:00Z'),
      end: new Date('2026-03-31T00:00:00Z'),
    });
    expect(evaluateBooking({ maxDurationMinutes: 2880 }, two, ctx()).ok).to.equal(true);
    const weekdays = {
      timeZone: 'Europe/Berlin',
      days: ['monday', 'tuesday'] as ('monday' | 'tuesday')[],
      start: '08:00',
      end: '19:00',
    };
    expect(ruleOf(evaluateBooking({ workingHours: weekdays }, sunday, ctx()))).to.equal('workingHours');
    const monday = booking({
      isAllDay: true,
      start: new Date('2026-03-30T00:00:00Z'),
      end: new Date('2026-03-31T00:00:00Z'),
    });
    expect(evaluateBooking({ workingHours: weekdays }, monday, ctx()).ok).to.equal(true);
    // Monday 00:30 Berlin is Sunday 22:30 UTC: it overlaps Monday's all-day booking in Berlin's day.
    const early = {
      id: 'x',
      start: new Date('2026-03-29T22:30:00Z'),
      end: new Date('2026-03-29T23:00:00Z'),
      isAllDay: false,
      bookedAt: null,
    };
    const rules: PolicyRules = { allowConflicts: false, workingHours: { ...weekdays, start: '00:00', end: '24:00' } };
    expect(ruleOf(evaluateBooking(rules, monday, ctx({ others: [early] })))).to.equal('allowConflicts');
    expect(evaluateBooking({ allowConflicts: false }, monday, ctx({ others: [early] })).ok).to.equal(true); // UTC day
  });

  it('series: recurring allowed and the horizon are the series’ verdict; hours are each occurrence’s', () => {
    const series = { masterId: 'm1', bookedAt: BOOKED, end: new Date(BOOKED.getTime() + 30 * DAY) };
    const occ = booking({ series });
    expect(evaluateBooking({ allowRecurring: false }, occ, ctx())).to.deep.include({
      rule: 'allowRecurring',
      scope: 'series',
    });
    expect(evaluateBooking({ allowRecurring: false }, booking(), ctx()).ok).to.equal(true);
    expect(evaluateBooking({ maxRecurrenceDays: 30 }, occ, ctx()).ok).to.equal(true);
    expect(evaluateBooking({ maxRecurrenceDays: 29 }, occ, ctx())).to.deep.include({
      rule: 'maxRecurrenceDays',
      scope: 'series',
    });
    const open = booking({ series: { ...series, end: null } });
    const v = evaluateBooking({ maxRecurrenceDays: 365 }, open, ctx());
    expect(v).to.deep.include({ rule: 'maxRecurrenceDays', scope: 'series' });
    expect(!v.ok && v.sentence).to.match(/no end date/);
    expect(evaluateBooking({ enforceCapacity: true }, booking({ series, attendeeCount: 9 }), ctx())).to.deep.include({
      scope: 'series',
    });
    const wh: PolicyRules = { workingHours: { timeZone: 'UTC', days: ['monday'], start: '08:00', end: '19:00' } };
    expect(evaluateBooking(wh, occ, ctx())).to.deep.include({ rule: 'workingHours', scope: 'booking' });
  });

  describe('boundaries (property-based)', () => {
    const start = new Date('2026-06-01T00:00:00Z').getTime();
    it('exactly the maximum or minimum duration is allowed, one minute past it is not', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 100_000 }), (limit, offset) => {
          const s = new Date(start + offset * MIN);
          const b = (mins: number) =>
            booking({ start: s, end: new Date(s.getTime() + mins * MIN), bookedAt: new Date(start - DAY) });
          expect(evaluateBooking({ maxDurationMinutes: limit }, b(limit), ctx()).ok).to.equal(true);
          expect(ruleOf(evaluateBooking({ maxDurationMinutes: limit }, b(limit + 1), ctx()))).to.equal(
            'maxDurationMinutes',
          );
          expect(evaluateBooking({ minDurationMinutes: limit }, b(limit), ctx()).ok).to.equal(true);
          if (limit > 1)
            expect(ruleOf(evaluateBooking({ minDurationMinutes: limit }, b(limit - 1), ctx()))).to.equal(
              'minDurationMinutes',
            );
        }),
      );
    });

    it('exactly the notice and exactly the booking window are allowed, a minute beyond is not', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 400 }), (notice, window) => {
          const bookedAt = new Date(start);
          const at = (ms: number) =>
            booking({ bookedAt, start: new Date(start + ms), end: new Date(start + ms + 30 * MIN) });
          expect(evaluateBooking({ minNoticeMinutes: notice }, at(notice * MIN), ctx()).ok).to.equal(true);
          expect(ruleOf(evaluateBooking({ minNoticeMinutes: notice }, at(notice * MIN - MIN), ctx()))).to.equal(
            'minNoticeMinutes',
          );
          expect(evaluateBooking({ bookingWindowDays: window }, at(window * DAY), ctx()).ok).to.equal(true);
          expect(ruleOf(evaluateBooking({ bookingWindowDays: window }, at(window * DAY + MIN), ctx()))).to.equal(
            'bookingWindowDays',
          );
        }),
      );
    });

    it('exactly the capacity is allowed, one more person is not', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 500 }), (cap) => {
          expect(
            evaluateBooking({ enforceCapacity: true }, booking({ attendeeCount: cap }), ctx({ roomCapacity: cap })).ok,
          ).to.equal(true);
          expect(
            ruleOf(
              evaluateBooking(
                { enforceCapacity: true },
                booking({ attendeeCount: cap + 1 }),
                ctx({ roomCapacity: cap }),
              ),
            ),
          ).to.equal('enforceCapacity');
        }),
      );
    });

    it('working hours hold in any zone on any day of 2026, daylight-saving days included', () => {
      const zones = [
        'Europe/Berlin',
        'America/New_York',
        'Australia/Sydney',
        'Asia/Shanghai',
        'America/Santiago',
        'Pacific/Chatham',
        'UTC',
      ];
      fc.assert(
        fc.property(
          fc.constantFrom(...zones),
          fc.integer({ min: 0, max: 364 }),
          fc.integer({ min: 0, max: 23 * 60 }),
          fc.integer({ min: 1, max: 24 * 60 }),
          (zone, dayOfYear, from, length) => {
            const to = Math.min(from + length, 1440);
            const startHH = `${String(Math.floor(from / 60)).padStart(2, '0')}:${String(from % 60).padStart(2, '0')}`;
            const endHH =
              to === 1440
                ? '24:00'
                : `${String(Math.floor(to / 60)).padStart(2, '0')}:${String(to % 60).padStart(2, '0')}`;
            const day = DateTime.fromObject({ year: 2026, month: 1, day: 1 }, { zone }).plus({ days: dayOfYear });
            const wh = {
              timeZone: zone,
              days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const,
              start: startHH,
              end: endHH,
            };
            const rules: PolicyRules = { workingHours: { ...wh, days: [...wh.days] } };
            const s = day.set({ hour: Math.floor(from / 60), minute: from % 60 });
            // A wall-clock time skipped by a spring-forward change does not exist: luxon moves it on.
            if (s.hour * 60 + s.minute !== from) return;
            const e =
              to === 1440
                ? day.plus({ days: 1 }).startOf('day')
                : day.set({ hour: Math.floor(to / 60), minute: to % 60 });
            if (to !== 1440 && e.hour * 60 + e.minute !== to) return;
            if (e <= s) return;
            const inside = booking({
              start: s.toJSDate(),
              end: e.toJSDate(),
              bookedAt: new Date('2025-12-01T00:00:00Z'),
            });
            expect(evaluateBooking(rules, inside, ctx()).ok).to.equal(true);
            const before = booking({
              start: s.minus({ minutes: 1 }).toJSDate(),
              end: e.toJSDate(),
              bookedAt: inside.bookedAt,
            });
            const beforeLocal = DateTime.fromJSDate(before.start, { zone });
            if (beforeLocal.toISODate() === s.toISODate())
              expect(ruleOf(evaluateBooking(rules, before, ctx()))).to.equal('workingHours');
          },
        ),
        { numRuns: 400 },
      );
    });
  });
});
