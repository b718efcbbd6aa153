import { Center, Loader } from "@mantine/core";
import { type ComponentType, lazy, Suspense, useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, Route, Routes } from "react-router";
import { SessionProvider, useSession } from "./auth/session.js";
import { SignedOut } from "./onboarding/SignedOut.js";

// biome-ignore lint/suspicious/noExplicitAny: each screen has its own props
type AnyScreen = ComponentType<any>;

/**
 * A screen in a file of its own, loaded the first time it is shown (the sign-in page needs none of
 * them: it loads with the app). `preload()` starts loading it ahead, once. A screen loaded ahead
 * renders at once: given a promise, even a settled one, React.lazy suspends for a moment, shows
 * the loader, and holds the screen back for up to 300 ms (how long React keeps a loader on screen
 * to avoid flicker); given a thenable that answers on the spot, it does not suspend at all.
 */
function screen<M, K extends keyof M>(load: () => Promise<M>, name: K) {
  let loaded: AnyScreen | undefined;
  let loading: Promise<AnyScreen> | undefined;
  const preload = () => {
    loading ??= load().then(
      (m) => {
        loaded = m[name] as AnyScreen;
        return loaded;
      },
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
  const Screen = lazy(() => {
    const ready = loaded;
    if (ready) {
      // biome-ignore lint/suspicious/noThenProperty: a thenable is what React.lazy reads at once
      const now = { then: (resolve: (m: { default: AnyScreen }) => void) => resolve({ default: ready }) };
      return now as unknown as Promise<{ default: AnyScreen }>;
    }
    return preload().then((Loaded) => ({ default: Loaded }));
  });
  return Object.assign(Screen, { preload });
}

const BalancePage = screen(() => import("./balance/BalancePage.js"), "BalancePage");
const ConfirmBookingPage = screen(() => import("./booking/ConfirmBookingPage.js"), "ConfirmBookingPage");
const InvitePage = screen(() => import("./invite/AcceptPage.js"), "InvitePage");
const SignUpLinkPage = screen(() => import("./invite/AcceptPage.js"), "SignUpLinkPage");
const ForgotPasswordPage = screen(() => import("./auth/PasswordPages.js"), "ForgotPasswordPage");
const ResetPasswordPage = screen(() => import("./auth/PasswordPages.js"), "ResetPasswordPage");
const Layout = screen(() => import("./shell/Layout.js"), "Layout");
const Home = screen(() => import("./onboarding/StartPage.js"), "Home");
const StartPage = screen(() => import("./onboarding/StartPage.js"), "StartPage");
const CustomerSearch = screen(() => import("./customers/CustomerSearch.js"), "CustomerSearch");
const CustomerProfile = screen(() => import("./customers/CustomerProfile.js"), "CustomerProfile");
const CalendarPage = screen(() => import("./calendar/CalendarPage.js"), "CalendarPage");
const ClassesPage = screen(() => import("./classes/ClassesPage.js"), "ClassesPage");
const SessionPage = screen(() => import("./classes/SessionPage.js"), "SessionPage");
const TillHome = screen(() => import("./till/TillHome.js"), "TillHome");
const TicketPage = screen(() => import("./till/TicketPage.js"), "TicketPage");
const ReceiptPage = screen(() => import("./till/ReceiptPage.js"), "ReceiptPage");
const PackagesPage = screen(() => import("./reports/PackagesPage.js"), "PackagesPage");
const CatalogPage = screen(() => import("./catalog/CatalogPage.js"), "CatalogPage");
const StaffPage = screen(() => import("./staff/StaffPage.js"), "StaffPage");
const ImportPage = screen(() => import("./data/ImportPage.js"), "ImportPage");
const SettingsPage = screen(() => import("./settings/SettingsPage.js"), "SettingsPage");

/** What signing in shows first: fetched while the person types their password. */
const AFTER_SIGN_IN = [Layout, Home, CustomerSearch];

/** The screens an address opens once signed in, to load beside the shell rather than after it. */
const SCREENS_OF: Record<string, Array<{ preload(): Promise<unknown> }>> = {
  // "/" opens the start page of a business still setting up, else the customers.
  "": [Home, CustomerSearch],
  start: [StartPage],
  customers: [CustomerSearch],
  calendar: [CalendarPage],
  classes: [ClassesPage],
  till: [TillHome],
  packages: [PackagesPage],
  catalog: [CatalogPage],
  staff: [StaffPage],
  import: [ImportPage],
  settings: [SettingsPage],
};

/** The pages of one thing (a customer, a class session, a receipt) in a folder of the list's. */
const PAGE_OF: Record<string, { preload(): Promise<unknown> }> = {
  customers: CustomerProfile,
  classes: SessionPage,
  tickets: TicketPage,
};

function preloadSignedIn(pathname: string) {
  const [first = "", second, third] = pathname.split("/").filter(Boolean);
  const page = third === "receipt" ? ReceiptPage : second ? PAGE_OF[first] : undefined;
  const screens = page ? [page] : (SCREENS_OF[first] ?? []);
  for (const s of [Layout, ...screens]) void s.preload().catch(() => {});
}

// After an update, a tab opened before it asks for files of the old build, which are gone (404):
// load the new app once instead of failing.
window.addEventListener("vite:preloadError", (event) => {
  if (sessionStorage.getItem("carnet:reloaded-for-update")) return;
  sessionStorage.setItem("carnet:reloaded-for-update", "1");
  event.preventDefault();
  window.location.reload();
});

function PageLoading() {
  const { t } = useTranslation();
  return (
    <Center mih="100vh">
      <Loader aria-label={t("loading")} />
    </Center>
  );
}

export function App() {
  return (
    <Suspense fallback={<PageLoading />}>
      <Routes>
        {/* The customer's own balance link: no sign-in, no staff session. */}
        <Route path="/balance/:token" element={<BalancePage />} />
        {/* The link e-mailed for an online booking (A10): no sign-in either. */}
        <Route path="/confirm-booking/:token" element={<ConfirmBookingPage />} />
        {/* O1, O2: the pages e-mailed account links open, and "forgot password": signed in or not. */}
        <Route path="/invite/:token" element={<InvitePage />} />
        <Route path="/sign-up/:token" element={<SignUpLinkPage />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/reset-password/:token" element={<ResetPasswordPage />} />
        <Route
          path="*"
          element={
            <SessionProvider>
              <StaffApp />
            </SessionProvider>
          }
        />
      </Routes>
    </Suspense>
  );
}

function StaffApp() {
  const { t } = useTranslation();
  const { me, loading, can } = useSession();
  const signedOut = !loading && !me;
  useEffect(() => {
    if (!signedOut) return;
    // Once the person starts typing (or a password manager fills the form), not before: the
    // sign-in page itself loads nothing more than it shows.
    const events = ["keydown", "input", "pointerdown"] as const;
    const ahead = () => {
      for (const event of events) window.removeEventListener(event, ahead, true);
      for (const s of AFTER_SIGN_IN) void s.preload().catch(() => {});
    };
    for (const event of events) window.addEventListener(event, ahead, true);
    return () => {
      for (const event of events) window.removeEventListener(event, ahead, true);
    };
  }, [signedOut]);
  if (loading) return <PageLoading />;
  // Sign-in, or "Create your business" on an empty Carnet, or open sign-up (O1).
  if (!me) return <SignedOut />;
  // The shell and the screen load side by side (the screen is inside the shell: lazily, it would
  // only start loading once the shell had).
  preloadSignedIn(location.pathname);
  return (
    <Layout>
      <Suspense
        fallback={
          <Center py="xl">
            <Loader aria-label={t("loading")} />
          </Center>
        }
      >
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/start" element={<StartPage />} />
          <Route path="/customers" element={<CustomerSearch />} />
          <Route path="/customers/:customerId" element={<CustomerProfile />} />
          <Route path="/calendar" element={<CalendarPage />} />
          <Route path="/classes" element={<ClassesPage />} />
          <Route path="/classes/:sessionId" element={<SessionPage />} />
          <Route path="/till" element={<TillHome />} />
          <Route path="/tickets/:ticketId" element={<TicketPage />} />
          <Route path="/tickets/:ticketId/receipt" element={<ReceiptPage />} />
          <Route
            path="/packages"
            element={can("view_reports") ? <PackagesPage /> : <Navigate to="/customers" replace />}
          />
          <Route
            path="/catalog"
            element={can("manage_catalog") ? <CatalogPage /> : <Navigate to="/customers" replace />}
          />
          <Route
            path="/staff"
            element={can("manage_working_hours") ? <StaffPage /> : <Navigate to="/customers" replace />}
          />
          <Route
            path="/import"
            element={
              can("import_data") || can("export_business_data") ? (
                <ImportPage />
              ) : (
                <Navigate to="/customers" replace />
              )
            }
          />
          <Route
            path="/settings"
            element={
              can("manage_settings") || can("manage_webhooks") ? (
                <SettingsPage />
              ) : (
                <Navigate to="/customers" replace />
              )
            }
          />
          <Route path="*" element={<Navigate to="/customers" replace />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}
