// Where the calendar's "New appointment" starts (web/src/calendar/slots.ts, A1 with O2's hours): on
// the day shown, at the first quarter hour within the opening hours when a practitioner works and is
// free, not at the clock's next quarter in the middle of the night, and not with the front desk.
import { describe, expect, it } from "vitest";
import { type Busy, type StaffHours, staffFor, suggestSlot } from "../../web/src/calendar/slots.js";

// 2026-11-25 is a Wednesday (weekday 3).
const WED = "2026-11-25";
const THU = "2026-11-26";
const desk: StaffHours = { id: "desk", role: "front_desk", hours: null };
const petra: StaffHours = { id: "petra", role: "practitioner", hours: null };
const marta: StaffHours = { id: "marta", role: "manager", hours: null };
const staff = [desk, marta, petra];
const at = (date: string, hhmm: string) => ({
  date,
  minute: Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)),
});
const slot = (date: string, hhmm: string, staffId: string) => ({ ...at(date, hhmm), staffId });
const busy = (staffId: string, date: string, from: string, to: string): Busy => ({
  staffId,
  date,
  start: at(date, from).minute,
  end: at(date, to).minute,
});

describe("suggestSlot", () => {
  it("at 03:30 at night opens at the opening time with a practitioner, not now with the front desk", () => {
    expect(suggestSlot({ date: WED, now: at(WED, "03:30"), opening: null, staff, busy: [] })).toEqual(
      slot(WED, "09:00", "petra"),
    );
  });

  it("during the day is the next quarter hour after now", () => {
    expect(suggestSlot({ date: WED, now: at(WED, "14:07"), opening: null, staff, busy: [] })).toEqual(
      slot(WED, "14:15", "petra"),
    );
    expect(suggestSlot({ date: WED, now: at(WED, "14:15"), opening: null, staff, busy: [] })).toEqual(
      slot(WED, "14:30", "petra"),
    );
  });

  it("after closing is the next day the location opens", () => {
    expect(suggestSlot({ date: WED, now: at(WED, "17:50"), opening: null, staff, busy: [] })).toEqual(
      slot(THU, "09:00", "petra"),
    );
    const weekdaysOnly = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "10:00", end: "19:00" }));
    // Friday 27th after closing: Monday 30th at 10:00
    expect(
      suggestSlot({
        date: "2026-11-27",
        now: at("2026-11-27", "20:00"),
        opening: weekdaysOnly,
        staff,
        busy: [],
      }),
    ).toEqual(slot("2026-11-30", "10:00", "petra"));
  });

  it("on a later day shown is its opening time; on a day gone by, that day's first free slot", () => {
    expect(suggestSlot({ date: THU, now: at(WED, "14:07"), opening: null, staff, busy: [] })).toEqual(
      slot(THU, "09:00", "petra"),
    );
    expect(
      suggestSlot({ date: "2026-11-24", now: at(WED, "14:07"), opening: null, staff, busy: [] }),
    ).toEqual(slot("2026-11-24", "09:00", "petra"));
  });

  it("skips the practitioner's appointments and keeps to the location's opening hours", () => {
    const opening = [{ weekday: 4, start: "08:30", end: "12:00" }];
    expect(
      suggestSlot({
        date: THU,
        now: at(WED, "10:00"),
        opening,
        staff,
        busy: [busy("petra", THU, "08:30", "09:15"), busy("petra", THU, "09:30", "10:00")],
      }),
    ).toEqual(slot(THU, "10:00", "petra"));
  });

  it("keeps to the practitioner's working hours, and falls back to a manager when no practitioner can", () => {
    const petraMornings: StaffHours = { ...petra, hours: [{ weekday: 3, start: "09:00", end: "12:00" }] };
    expect(
      suggestSlot({
        date: WED,
        now: at(WED, "11:40"),
        opening: null,
        staff: [desk, marta, petraMornings],
        busy: [],
      }),
    ).toEqual(slot(WED, "11:45", "marta"));
    const petraAfternoons: StaffHours = { ...petra, hours: [{ weekday: 3, start: "13:00", end: "17:00" }] };
    expect(
      suggestSlot({
        date: WED,
        now: at(WED, "08:00"),
        opening: null,
        staff: [desk, marta, petraAfternoons],
        busy: [],
      }),
    ).toEqual(slot(WED, "13:00", "petra"));
  });

  it("the front desk only when nobody else works; the clicked column's member when one is given", () => {
    expect(suggestSlot({ date: WED, now: at(WED, "08:00"), opening: null, staff: [desk], busy: [] })).toEqual(
      slot(WED, "09:00", "desk"),
    );
    expect(
      suggestSlot({
        date: WED,
        now: at(WED, "08:00"),
        opening: null,
        staff: [marta],
        busy: [busy("marta", WED, "09:00", "10:00")],
      }),
    ).toEqual(slot(WED, "10:00", "marta"));
  });
});

describe("staffFor (a time clicked in the week view)", () => {
  it("is a practitioner free then; else whoever is free; else who works then", () => {
    expect(staffFor(staff, null, [], WED, 600)).toBe("petra");
    expect(staffFor(staff, null, [busy("petra", WED, "10:00", "11:00")], WED, 600)).toBe("marta");
    expect(
      staffFor(
        staff,
        null,
        [busy("petra", WED, "10:00", "11:00"), busy("marta", WED, "09:00", "12:00")],
        WED,
        600,
      ),
    ).toBe("desk");
  });
});
