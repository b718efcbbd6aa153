import { Center, Loader } from "@mantine/core";
import { Navigate, Route, Routes } from "react-router";
import { ForgotPasswordPage, ResetPasswordPage } from "./auth/PasswordPages.js";
import { SessionProvider, useSession } from "./auth/session.js";
import { BalancePage } from "./balance/BalancePage.js";
import { ConfirmBookingPage } from "./booking/ConfirmBookingPage.js";
import { CalendarPage } from "./calendar/CalendarPage.js";
import { CatalogPage } from "./catalog/CatalogPage.js";
import { ClassesPage } from "./classes/ClassesPage.js";
import { SessionPage } from "./classes/SessionPage.js";
import { CustomerProfile } from "./customers/CustomerProfile.js";
import { CustomerSearch } from "./customers/CustomerSearch.js";
import { ImportPage } from "./data/ImportPage.js";
import { InvitePage, SignUpLinkPage } from "./invite/AcceptPage.js";
import { SignedOut } from "./onboarding/SignedOut.js";
import { Home, StartPage } from "./onboarding/StartPage.js";
import { PackagesPage } from "./reports/PackagesPage.js";
import { SettingsPage } from "./settings/SettingsPage.js";
import { Layout } from "./shell/Layout.js";
import { StaffPage } from "./staff/StaffPage.js";
import { ReceiptPage } from "./till/ReceiptPage.js";
import { TicketPage } from "./till/TicketPage.js";
import { TillHome } from "./till/TillHome.js";

export function App() {
  return (
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
  );
}

function StaffApp() {
  const { me, loading, can } = useSession();
  if (loading) {
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  // Sign-in, or "Create your business" on an empty Carnet, or open sign-up (O1).
  if (!me) return <SignedOut />;
  return (
    <Layout>
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
          element={can("manage_settings") ? <SettingsPage /> : <Navigate to="/customers" replace />}
        />
        <Route path="*" element={<Navigate to="/customers" replace />} />
      </Routes>
    </Layout>
  );
}
