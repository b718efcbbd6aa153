// Nobody is signed in: an empty Carnet (demo mode off) asks to create its business (O1), whatever the
// address; any other shows the sign-in page, and the sign-up page when CARNET_SIGNUP=open.
import { Center, Loader } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, Route, Routes } from "react-router";
import type { SetupStatus } from "../api/types.js";
import { api } from "../api.js";
import { SignIn } from "../auth/SignIn.js";
import { useSession } from "../auth/session.js";
import { CreateBusinessPage } from "./CreateBusinessPage.js";

export function SignedOut() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const [setup, setSetup] = useState<SetupStatus | null | undefined>(undefined);
  useEffect(() => {
    api.get<SetupStatus>("/api/v1/setup").then(setSetup, () => setSetup(null));
  }, []);
  if (setup === undefined)
    return (
      <Center mih="100vh">
        <Loader aria-label={t("loading")} />
      </Center>
    );
  if (setup?.firstRun) return <CreateBusinessPage mode="first-run" onCreated={refresh} />;
  return (
    <Routes>
      <Route
        path="/sign-up"
        element={setup?.signUpOpen ? <CreateBusinessPage mode="sign-up" /> : <Navigate to="/" replace />}
      />
      <Route path="*" element={<SignIn setup={setup} />} />
    </Routes>
  );
}
