// U1: react-big-calendar reads the location's clock: every time and heading it writes comes from
// web/src/format.ts (Intl with the location's locale), and its weeks start where the location's do.
import dayjs from "dayjs";
import { type DateLocalizer, dayjsLocalizer, type Formats } from "react-big-calendar";
import { dayHeadingIn, dayRangeIn, dayShortIn, timeIn, timeRangeIn } from "../format.js";
import { fromWall } from "./zoned.js";

// Extends dayjs with the plugins the localizer needs (min, max, …) before they are copied below.
const plain = dayjsLocalizer(dayjs);
const localizers = new Map<number, DateLocalizer>([[0, plain]]);

/**
 * A localizer whose weeks start on `firstDay` (1 = Monday … 7 = Sunday). The week view asks dayjs
 * for the start of a week, which follows the dayjs locale, so each start day gets a locale of its
 * own, used by this localizer only (the rest of the app keeps dayjs as it is).
 */
export function localizerFor(firstDay: number): DateLocalizer {
  const weekStart = firstDay % 7;
  let localizer = localizers.get(weekStart);
  if (!localizer) {
    const name = `carnet-week-${weekStart}`;
    dayjs.locale({ ...dayjs.Ls.en!, name, weekStart }, undefined, true);
    const withWeek = Object.assign((d?: dayjs.ConfigType) => dayjs(d).locale(name), dayjs) as typeof dayjs;
    localizer = dayjsLocalizer(withWeek);
    localizers.set(weekStart, localizer);
  }
  return localizer;
}

/** The calendar's words for times and days, for the location's zone (its Dates are wall clock). */
export function calendarFormats(zone: string): Formats {
  const at = (d: Date) => fromWall(d, zone);
  const time = (d: Date) => timeIn(at(d), zone);
  const span = ({ start, end }: { start: Date; end: Date }) => timeRangeIn(at(start), at(end), zone);
  return {
    timeGutterFormat: time,
    eventTimeRangeFormat: span,
    eventTimeRangeStartFormat: ({ start }) => `${time(start)} –`,
    eventTimeRangeEndFormat: ({ end }) => `– ${time(end)}`,
    selectRangeFormat: span,
    agendaTimeFormat: time,
    agendaTimeRangeFormat: span,
    dayFormat: (d) => dayShortIn(at(d), zone),
    dayHeaderFormat: (d) => dayHeadingIn(at(d), zone),
    dayRangeHeaderFormat: ({ start, end }) => dayRangeIn(at(start), at(end), zone),
  };
}
