// G4: a manager pauses a package (a holiday, an injury): its first and last paused day, and why; a
// sentence says what will happen ("No credits can be used from 10 Dec to 23 Dec; the package will
// then be valid until 5 Mar 2027 (14 days later)") before it does. A pause going on is ended early,
// and one not yet begun is cancelled, after a confirmation that says how the expiry moves back.
// Dates are the package's own (its location's zone); a refusal is said next to the field it is about.
import { Alert, Button, Group, Modal, SimpleGrid, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Answer, Package } from "../api/types.js";
import { ApiError, api, plainWords } from "../api.js";
import { localDate, localDateRange, localDayMonth } from "../format.js";
import { addDays, daysFrom, type Pause } from "./pauses.js";
import { afterPackageChange } from "./queries.js";
import { todayIn } from "./TransferModal.js";

/** The server's longest pause (src/app/pause-package.ts). */
export const MAX_PAUSE_DAYS = 366;
/** A new pause's length unless changed: two weeks, today included. */
const DEFAULT_PAUSE_DAYS = 14;

type Paused = Answer<"/api/v1/packages/{packageId}/pauses", "post">;

/** A day as the card says it: "23 Dec" this year, "5 Jan 2027" in another. */
export const dayOf = (date: string, today: string): string =>
  date.slice(0, 4) === today.slice(0, 4) ? localDayMonth(date) : localDate(date);

/** A span of days: "10–23 Dec" this year, with the year when it is not this year's. */
export const spanOf = (from: string, to: string, today: string): string =>
  localDateRange(from, to, from.slice(0, 4) !== today.slice(0, 4) || to.slice(0, 4) !== today.slice(0, 4));

/** "from 10 Dec to 23 Dec", or "on 10 Dec" for one day. */
function useDays() {
  const { t } = useTranslation("packages");
  return (from: string, to: string, today: string) =>
    from === to
      ? t("pause.onDay", { date: dayOf(from, today) })
      : t("pause.fromTo", { from: dayOf(from, today), to: dayOf(to, today) });
}

/** A refusal's field, when it is one of `fields`: said next to it rather than above the form. */
function fieldOf(error: unknown, fields: readonly string[]): string | null {
  return error instanceof ApiError && error.field && fields.includes(error.field) ? error.field : null;
}

export function PauseModal({
  pkg,
  onClose,
  onDone,
}: {
  pkg: Package;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation("packages");
  const days = useDays();
  const queryClient = useQueryClient();
  const today = todayIn(pkg.timeZone);
  const [startsOn, setStartsOn] = useState(today);
  const [endsOn, setEndsOn] = useState(addDays(today, DEFAULT_PAUSE_DAYS - 1));
  const [reason, setReason] = useState("");

  const length = startsOn && endsOn ? daysFrom(startsOn, endsOn) + 1 : 0;
  const startProblem = startsOn !== "" && startsOn < today ? t("pause.inPast") : null;
  const endProblem =
    startsOn && endsOn && endsOn < startsOn
      ? t("pause.endsBeforeStart")
      : length > MAX_PAUSE_DAYS
        ? t("pause.tooLong", { count: MAX_PAUSE_DAYS })
        : null;
  const valid = startsOn !== "" && endsOn !== "" && !startProblem && !endProblem;
  const ready = valid && reason.trim() !== "";
  const newExpiry = pkg.expiresOn ? addDays(pkg.expiresOn, length) : null;
  const booked = pkg.lines.reduce((n, l) => n + l.booked, 0);

  const pause = useMutation({
    mutationFn: () =>
      api.post<Paused>(`/api/v1/packages/${pkg.id}/pauses`, { startsOn, endsOn, reason: reason.trim() }),
    onSuccess: async (r) => {
      notifications.show({
        color: "green",
        message: r.expiresOn
          ? t("pause.done", { days: days(startsOn, endsOn, today), date: localDate(r.expiresOn) })
          : t("pause.doneNoExpiry", { days: days(startsOn, endsOn, today) }),
      });
      await afterPackageChange(queryClient, pkg.customerId);
      onDone();
    },
  });
  const error = pause.error;
  const field = fieldOf(error, ["startsOn", "endsOn", "reason"]);
  const errorAt = (f: string) => (field === f ? plainWords(error) : null);
  const changed = () => {
    if (pause.error) pause.reset();
  };

  return (
    <Modal opened onClose={onClose} title={t("pause.title", { name: pkg.name })}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) pause.mutate();
        }}
      >
        <Stack>
          {error && !field && (
            <Alert color="red" data-testid="pause-error">
              {plainWords(error)}
            </Alert>
          )}
          {/* side by side, one under the other on a phone: a refusal under a field gets the width */}
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            <TextInput
              type="date"
              label={t("pause.firstDay")}
              value={startsOn}
              min={today}
              onChange={(e) => {
                changed();
                const next = e.currentTarget.value;
                // the length stays as it was: a later first day moves the last day with it
                if (next && length >= 1) setEndsOn(addDays(next, length - 1));
                setStartsOn(next);
              }}
              error={startProblem ?? errorAt("startsOn")}
              required
            />
            <TextInput
              type="date"
              label={t("pause.lastDay")}
              value={endsOn}
              min={startsOn || today}
              onChange={(e) => {
                changed();
                setEndsOn(e.currentTarget.value);
              }}
              error={endProblem ?? errorAt("endsOn")}
              required
            />
          </SimpleGrid>
          <Textarea
            label={t("dialogs.reason")}
            description={t("dialogs.reasonRequired")}
            placeholder={t("pause.reasonExample")}
            value={reason}
            onChange={(e) => {
              changed();
              setReason(e.currentTarget.value);
            }}
            error={errorAt("reason")}
            required
            maxLength={500}
            data-autofocus
          />
          {valid && (
            <Text size="sm" fw={500} data-testid="pause-preview">
              {newExpiry
                ? t("pause.preview", {
                    count: length,
                    days: days(startsOn, endsOn, today),
                    date: localDate(newExpiry),
                  })
                : t("pause.previewNoExpiry", { days: days(startsOn, endsOn, today) })}
            </Text>
          )}
          {booked > 0 && (
            <Text size="sm" c="dimmed" data-testid="pause-booked">
              {t("pause.bookedFirst", { count: booked })}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialogs.cancel")}
            </Button>
            <Button type="submit" loading={pause.isPending} disabled={!ready}>
              {valid ? t("pause.submit", { count: length }) : t("pause.submitBare")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * Ends a pause going on (usable again from the day chosen, today unless changed), or cancels one not
 * yet begun; the expiry moves back by the days given back.
 */
export function EndPauseModal({ pkg, pause, onClose }: { pkg: Package; pause: Pause; onClose: () => void }) {
  const { t } = useTranslation("packages");
  const days = useDays();
  const queryClient = useQueryClient();
  const today = todayIn(pkg.timeZone);
  const begun = pause.startsOn <= today;
  const [resumeOn, setResumeOn] = useState(today);
  const [reason, setReason] = useState("");

  const outside = begun && resumeOn !== "" && (resumeOn < today || resumeOn > pause.endsOn);
  const valid = resumeOn !== "" && !outside;
  // The days from the first paused day to the day before resumeOn stay paused; the rest go back.
  const kept = begun && valid ? Math.max(0, daysFrom(pause.startsOn, resumeOn)) : 0;
  const givenBack = pause.days - kept;
  const newExpiry = pkg.expiresOn ? addDays(pkg.expiresOn, -givenBack) : null;

  const end = useMutation({
    mutationFn: () =>
      api.post<Package>(`/api/v1/packages/${pkg.id}/pauses/${pause.id}/end`, {
        ...(begun && resumeOn !== today ? { resumeOn } : {}),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      }),
    onSuccess: async () => {
      notifications.show({
        color: "green",
        message: begun
          ? t("endPause.doneEnded", { date: dayOf(resumeOn, today) })
          : t("endPause.doneCancelled"),
      });
      await afterPackageChange(queryClient, pkg.customerId);
      onClose();
    },
  });
  const error = end.error;
  const field = fieldOf(error, ["resumeOn"]);
  const gone = error instanceof ApiError && ["pause_not_found", "package_refunded"].includes(error.code);

  const what = begun
    ? newExpiry
      ? t("endPause.whatEnded", {
          date: dayOf(resumeOn, today),
          expiry: localDate(newExpiry),
          count: givenBack,
        })
      : t("endPause.whatEndedNoExpiry", { date: dayOf(resumeOn, today) })
    : newExpiry
      ? t("endPause.whatCancelled", {
          days: days(pause.startsOn, pause.endsOn, today),
          expiry: localDate(newExpiry),
          count: givenBack,
        })
      : t("endPause.whatCancelledNoExpiry", { days: days(pause.startsOn, pause.endsOn, today) });

  return (
    <Modal
      opened
      onClose={onClose}
      title={t(begun ? "endPause.titleEnd" : "endPause.titleCancel", { name: pkg.name })}
    >
      <Stack gap="sm">
        {error && !field && (
          <Alert color="red" data-testid="end-pause-error">
            {plainWords(error)}
          </Alert>
        )}
        <Text size="sm" c="dimmed">
          {t(begun ? "endPause.pausedNow" : "endPause.pausedAhead", {
            days: days(pause.startsOn, pause.endsOn, today),
            reason: pause.reason,
          })}
        </Text>
        {begun && (
          <TextInput
            type="date"
            label={t("endPause.resumeOn")}
            description={t("endPause.resumeOnHint")}
            value={resumeOn}
            min={today}
            max={pause.endsOn}
            onChange={(e) => {
              if (end.error) end.reset();
              setResumeOn(e.currentTarget.value);
            }}
            error={
              outside
                ? t("endPause.outside", { from: dayOf(today, today), to: dayOf(pause.endsOn, today) })
                : field === "resumeOn"
                  ? plainWords(error)
                  : null
            }
          />
        )}
        {valid && (
          <Text size="sm" fw={500} data-testid="end-pause-what">
            {what}
          </Text>
        )}
        <Textarea
          label={t("dialogs.reasonOptional")}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          maxLength={500}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("endPause.keep")}
          </Button>
          <Button
            loading={end.isPending}
            disabled={!valid || gone}
            onClick={() => end.mutate()}
            data-testid="confirm-end-pause"
          >
            {t(begun ? "endPause.submitEnd" : "endPause.submitCancel")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
