// A10: the page the online booking e-mail links to. It shows what was asked and books it only when
// the customer presses Confirm (a mail scanner that opens links books nothing). No sign-in.
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
import { useEffect, useState } from "react";
import { useParams } from "react-router";
import { ApiError, api } from "../api.js";
import { money } from "../format.js";
import type { BookingRequest } from "../types.js";

const TROUBLE: Record<string, { title: string; text: string }> = {
  booking_request_expired: {
    title: "This link has expired",
    text: "Nothing was booked. Please book again; the new link works for an hour.",
  },
  booking_request_not_found: {
    title: "This link is not valid",
    text: "Check that the whole link from the e-mail was opened, or book again.",
  },
  slot_taken: {
    title: "This time has just been taken",
    text: "Someone else booked it first, and nothing was booked for you. Please choose another time.",
  },
};

function troubleOf(e: unknown): { title: string; text: string } {
  return (
    (e instanceof ApiError && TROUBLE[e.code]) || {
      title: "Something went wrong",
      text: e instanceof ApiError ? e.message : "The booking could not be reached. Please try again.",
    }
  );
}

function when(r: BookingRequest): string {
  return new Intl.DateTimeFormat("en-GB", {
    dateStyle: "full",
    timeStyle: "short",
    timeZone: r.location.timeZone,
  }).format(new Date(r.startAt));
}

export function ConfirmBookingPage() {
  const { token } = useParams<{ token: string }>();
  const path = `/api/v1/public/booking-requests/${encodeURIComponent(token ?? "")}`;
  const [request, setRequest] = useState<BookingRequest | null>(null);
  const [trouble, setTrouble] = useState<{ title: string; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.get<BookingRequest>(path).then(setRequest, (e) => setTrouble(troubleOf(e)));
  }, [path]);

  async function confirm() {
    setBusy(true);
    setTrouble(null);
    try {
      setRequest(await api.post<BookingRequest>(`${path}/confirm`));
    } catch (e) {
      setTrouble(troubleOf(e));
    } finally {
      setBusy(false);
    }
  }

  if (!request && !trouble) {
    return (
      <Center mih="60vh">
        <Loader aria-label="Loading the booking" />
      </Center>
    );
  }
  const confirmed = request?.status === "confirmed";
  return (
    <Container size="sm" py="xl">
      <Stack>
        {request && <Text c="dimmed">{request.businessName}</Text>}
        {trouble && (
          <Alert color={request ? "red" : "gray"} title={trouble.title} data-testid="booking-trouble">
            {trouble.text}
          </Alert>
        )}
        {request && (
          <>
            <Title order={1}>{confirmed ? "Your booking is confirmed" : "Confirm your booking"}</Title>
            <Card withBorder data-testid="booking-request" data-status={request.status}>
              <Stack gap="xs">
                <Group justify="space-between" align="flex-start" wrap="nowrap">
                  <Title order={3} size="h4">
                    {request.service.name}
                  </Title>
                  {confirmed && <Badge color="green">Booked</Badge>}
                </Group>
                <Text fw={500} data-testid="booking-when">
                  {when(request)}
                </Text>
                <Text>
                  with {request.staff.name} · {request.location.name}
                </Text>
                <Text size="sm" c="dimmed">
                  {request.service.durationMinutes} minutes ·{" "}
                  {money(request.service.priceMinor, request.service.currency)}, paid at the salon
                </Text>
                <Text size="sm" c="dimmed">
                  For {request.name} · {request.email}
                  {request.phone ? ` · ${request.phone}` : ""}
                </Text>
              </Stack>
            </Card>
            {confirmed ? (
              <Text data-testid="booking-confirmed">
                We look forward to seeing you. To change or cancel the booking, please contact us.
              </Text>
            ) : (
              <Stack gap="xs">
                <Text size="sm">
                  The time is not held until you confirm, and someone else may book it first.
                </Text>
                <Button size="md" onClick={() => void confirm()} loading={busy} data-testid="confirm-booking">
                  Confirm booking
                </Button>
              </Stack>
            )}
          </>
        )}
      </Stack>
    </Container>
  );
}
