// O2: change your own password. Your other sessions end, in every business you work for.
import { Alert, Button, Group, Modal, PasswordInput, Stack } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../api.js";
import { errorHelpers, type FormError, formError } from "../onboarding/field-error.js";

const FIELDS = ["currentPassword", "newPassword", "repeat"] as const;

export function ChangePasswordModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation("auth");
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<FormError | null>(null);
  const shown = errorHelpers(error, FIELDS);
  const [busy, setBusy] = useState(false);

  function close() {
    setCurrent("");
    setNext("");
    setRepeat("");
    setError(null);
    onClose();
  }

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    if (next !== repeat) {
      setError({ text: t("passwordsDiffer"), field: "repeat" });
      return;
    }
    setBusy(true);
    try {
      const r = await api.plainPost<{ endedSessions: number }>("/api/v1/auth/password", {
        currentPassword: current,
        newPassword: next,
      });
      notifications.show({
        message: r.endedSessions > 0 ? t("change.doneEnded", { count: r.endedSessions }) : t("change.done"),
      });
      close();
    } catch (e) {
      setError(
        e instanceof ApiError && e.code === "invalid_credentials"
          ? { text: t("change.notCurrent"), field: "currentPassword" }
          : formError(e),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={opened} onClose={close} title={t("change.title")}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {shown.general && (
            <Alert color="red" role="alert">
              {shown.general}
            </Alert>
          )}
          <PasswordInput
            label={t("change.current")}
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            error={shown.at("currentPassword")}
            data-autofocus
          />
          <PasswordInput
            label={t("newPassword")}
            description={t("change.newHint")}
            autoComplete="new-password"
            required
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            error={shown.at("newPassword")}
          />
          <PasswordInput
            label={t("newPasswordAgain")}
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
            error={shown.at("repeat")}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("common:actions.cancel")}
            </Button>
            <Button type="submit" loading={busy}>
              {t("change.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
