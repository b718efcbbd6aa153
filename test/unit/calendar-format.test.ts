// U1: the calendar's clock and headings from the location's locale (web/src/calendar/calendar-format.ts
// through web/src/format.ts): 24-hour in Budapest, 12-hour in New York, whatever zone the browser is in
// (the suite runs in Pacific/Auckland); weeks start on Monday in Budapest and on Sunday in New York.
import { afterEach, describe, expect, it } from "vitest";
import { calendarFormats } from "../../web/src/calendar/calendar-format.js";
import { toWall } from "../../web/src/calendar/zoned.js";
import { firstDayOfWeek, setFormatLocale } from "../../web/src/format.js";

type Fn = (...args: unknown[]) => string;
const at = (iso: string, zone: string) => toWall(iso, zone);

afterEach(() => setFormatLocale("en", "en-GB"));

describe("calendarFormats", () => {
  it("reads 24-hour in Budapest, in English and in Hungarian", () => {
    const zone = "Europe/Budapest";
    setFormatLocale("en", "hu-HU");
    const f = calendarFormats(zone);
    const start = at("2026-12-02T12:00:00Z", zone);
    const end = at("2026-12-02T12:45:00Z", zone);
    expect((f.timeGutterFormat as Fn)(start)).toBe("13:00");
    expect((f.eventTimeRangeFormat as Fn)({ start, end })).toMatch(/^13:00\s*–\s*13:45$/);
    expect((f.dayHeaderFormat as Fn)(start)).toMatch(/^Wednesday,? 2 December$/);
    expect(firstDayOfWeek()).toBe(1);
    setFormatLocale("hu", "hu-HU");
    expect((calendarFormats(zone).timeGutterFormat as Fn)(start)).toBe("13:00");
    expect((calendarFormats(zone).dayHeaderFormat as Fn)(start)).toBe("december 2., szerda");
  });

  it("reads 12-hour in New York", () => {
    const zone = "America/New_York";
    setFormatLocale("en", "en-US");
    const f = calendarFormats(zone);
    const start = at("2026-12-02T18:00:00Z", zone);
    const end = at("2026-12-02T18:45:00Z", zone);
    expect((f.timeGutterFormat as Fn)(start)).toMatch(/^1:00\sPM$/);
    expect((f.eventTimeRangeFormat as Fn)({ start, end })).toMatch(/^1:00\s*–\s*1:45\sPM$/);
    expect((f.dayHeaderFormat as Fn)(start)).toBe("Wednesday, December 2");
    expect(firstDayOfWeek()).toBe(7);
  });
});
