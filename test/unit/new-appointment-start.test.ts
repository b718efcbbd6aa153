// Where the calendar's "New appointment" starts (web/src/calendar/zoned.ts): always on the day the
// calendar shows, because the form asks for a time and not a date.
import { describe, expect, it } from "vitest";
import { newAppointmentStart } from "../../web/src/calendar/zoned.js";

const wall = (day: number, hour: number, minute: number) => new Date(2026, 10, day, hour, minute);

describe("newAppointmentStart", () => {
  it("is the next quarter hour when the calendar shows today", () => {
    expect(newAppointmentStart(wall(25, 0, 0), "Europe/Budapest", wall(25, 14, 7))).toEqual(wall(25, 14, 15));
    expect(newAppointmentStart(wall(25, 0, 0), "Europe/Budapest", wall(25, 14, 15))).toEqual(
      wall(25, 14, 30),
    );
    expect(newAppointmentStart(wall(25, 0, 0), "Europe/Budapest", wall(25, 23, 44))).toEqual(
      wall(25, 23, 45),
    );
  });

  it("stays on today late in the evening, when the next quarter would be tomorrow", () => {
    expect(newAppointmentStart(wall(25, 0, 0), "Europe/Budapest", wall(25, 23, 50))).toEqual(wall(25, 9, 0));
  });

  it("is 09:00 on the day shown when that is another day", () => {
    expect(newAppointmentStart(wall(27, 0, 0), "Europe/Budapest", wall(25, 14, 7))).toEqual(wall(27, 9, 0));
    expect(newAppointmentStart(wall(24, 16, 0), "Europe/Budapest", wall(25, 14, 7))).toEqual(wall(24, 9, 0));
  });
});
