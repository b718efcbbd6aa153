// A10: the page the online booking e-mail links to. It shows what was asked and books it only when
// the customer presses Confirm (a mail scanner that opens links books nothing). No sign-in. U2: it
// speaks the e-mail's language, with the location's dates and clocks (U1).
import {
  Alert,
  Badge,
  Button,
  Card,
  Center,
  Container,
  Group,
  Loader,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import type { BookingRequest } from "../api/types.js";
import { ApiError, api, plainWords } from "../api.js";
import { dayHeadingIn, money, setFormatLocale, timeRangeIn } from "../format.js";
import { switchLanguage } from "../i18n/index.js";

const TROUBLES = ["booking_request_expired", "booking_request_not_found", "slot_taken"];

function troubleOf(e: unknown, t: TFunction<"booking">): { title: string; text: string } {
  if (e instanceof ApiError && TROUBLES.includes(e.code))
    return { title: t(`trouble.${e.code}.title`), text: t(`trouble.${e.code}.text`) };
  return {
    title: t("trouble.other.title"),
    text: e instanceof ApiError ? plainWords(e) : t("trouble.other.offline"),
  };
}

async function speak(r: BookingRequest): Promise<BookingRequest> {
  await switchLanguage(r.language);
  setFormatLocale(r.language, r.location.locale);
  return r;
}

export function ConfirmBookingPage() {
  const { t } = useTranslation("booking");
  const { token } = useParams<{ token: string }>();
  const path = `/api/v1/public/booking-requests/${encodeURIComponent(token ?? "")}`;
  const queryClient = useQueryClient();
  const key = ["booking-request", token];
  const request = useQuery({
    queryKey: key,
    queryFn: async () => speak(await api.get<BookingRequest>(path)),
    retry: false,
    refetchOnWindowFocus: false,
  });
  const confirm = useMutation({
    mutationFn: async () => speak(await api.post<BookingRequest>(`${path}/confirm`)),
    onSuccess: (r) => queryClient.setQueryData(key, r),
  });

  const r = request.data;
  const failure = confirm.error ?? request.error;
  const trouble = failure ? troubleOf(failure, t) : null;
  if (!r && !trouble) {
    return (
      <Center mih="60vh">
        <Loader aria-label={t("loading")} />
      </Center>
    );
  }
  const confirmed = r?.status === "confirmed";
  return (
    <Container size="sm" py="xl">
      <Stack>
        {r && <Text c="dimmed">{r.businessName}</Text>}
        {trouble && (
          <Alert color={r ? "red" : "gray"} title={trouble.title} data-testid="booking-trouble">
            {trouble.text}
          </Alert>
        )}
        {r && (
          <>
            <Title order={1}>{confirmed ? t("confirmedTitle") : t("confirmTitle")}</Title>
            <Card withBorder data-testid="booking-request" data-status={r.status}>
              <Stack gap="xs">
                <Group justify="space-between" align="flex-start" wrap="nowrap">
                  <Title order={3} size="h4">
                    {r.service.name}
                  </Title>
                  {confirmed && <Badge color="green">{t("booked")}</Badge>}
                </Group>
                <Text fw={500} data-testid="booking-when">
                  {dayHeadingIn(r.startAt, r.location.timeZone)}{" "}
                  {timeRangeIn(r.startAt, r.endAt, r.location.timeZone)}
                </Text>
                <Text>{t("withStaff", { staff: r.staff.name, location: r.location.name })}</Text>
                <Text size="sm" c="dimmed">
                  {t("duration", {
                    count: r.service.durationMinutes,
                    price: money(r.service.priceMinor, r.service.currency),
                  })}
                </Text>
                <Text size="sm" c="dimmed">
                  {t("for", { name: r.name, contact: [r.email, r.phone].filter(Boolean).join(" · ") })}
                </Text>
              </Stack>
            </Card>
            {confirmed ? (
              <Text data-testid="booking-confirmed">{t("confirmed")}</Text>
            ) : (
              <Stack gap="xs">
                <Text size="sm">{t("notHeld")}</Text>
                <Button
                  size="md"
                  onClick={() => confirm.mutate()}
                  loading={confirm.isPending}
                  data-testid="confirm-booking"
                >
                  {t("confirm")}
                </Button>
              </Stack>
            )}
          </>
        )}
      </Stack>
    </Container>
  );
}
