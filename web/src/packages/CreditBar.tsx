// A line's credits at a glance: the bar (used filled, booked orange, free empty) and the circles
// (red used, orange booked, green free). More than 100 left reads UNLIMITED (P10).
import { Badge, Box, Group, Progress, Text, Tooltip } from "@mantine/core";
import type { Line } from "../types.js";

const MAX_CIRCLES = 30;

export function creditSummary(line: Line): string {
  if (line.unlimited) return `UNLIMITED · ${line.used} used`;
  const booked = line.booked > 0 ? `, ${line.booked} booked` : "";
  return `${line.remaining}/${line.total} remaining${booked}`;
}

export function CreditBar({ line }: { line: Line }) {
  const pct = (n: number) => (line.total === 0 ? 0 : (n / line.total) * 100);
  return (
    <Box>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="sm" data-testid="line-summary">
          <Text span fw={700}>
            {line.used + line.booked} of {line.total}
          </Text>{" "}
          used
          {line.booked > 0 ? ` (${line.booked} booked)` : ""}
        </Text>
        {line.unlimited ? (
          <Badge color="violet" variant="filled">
            UNLIMITED
          </Badge>
        ) : (
          <Text
            size="sm"
            fw={600}
            c={line.remaining === 0 ? "dimmed" : "green.8"}
            data-testid="line-remaining"
          >
            {line.remaining}/{line.total} remaining
          </Text>
        )}
      </Group>
      <Progress.Root size="lg" mt={4} aria-label={`${line.itemName}: ${creditSummary(line)}`}>
        <Progress.Section value={pct(line.used)} color="red.6" />
        <Progress.Section value={pct(line.booked)} color="orange.5" />
      </Progress.Root>
      {!line.unlimited && line.total <= MAX_CIRCLES && (
        <Group gap={4} mt={6} aria-hidden>
          {Array.from({ length: line.total }, (_, i) => {
            const state = i < line.used ? "used" : i < line.used + line.booked ? "booked" : "free";
            const color = {
              used: "var(--mantine-color-red-6)",
              booked: "var(--mantine-color-orange-5)",
              free: "var(--mantine-color-green-6)",
            }[state];
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a credit is its position on the line
              <Tooltip key={i} label={`Credit ${i + 1}: ${state}`} openDelay={300}>
                <Box data-credit={state} w={14} h={14} style={{ borderRadius: "50%", background: color }} />
              </Tooltip>
            );
          })}
        </Group>
      )}
    </Box>
  );
}
