// Who is signed in, shared with every screen.
import { createContext, useCallback, useContext, useEffect, useState } from "react";
import type { Me } from "../api/types.js";
import { ApiError, api, setCsrfToken } from "../api.js";
import { setFormatLocale } from "../format.js";
import { browserLanguage, switchLanguage } from "../i18n/index.js";

/** U1, U2: the screen speaks the staff member's language, and formats as their working location does. */
async function speakFor(me: Me): Promise<void> {
  const language = me.staff.language ?? me.business.language ?? "en";
  await switchLanguage(language);
  setFormatLocale(language, me.location.locale ?? "en-GB");
}

interface Session {
  me: Me | null;
  loading: boolean;
  refresh(): Promise<void>;
  /**
   * The answer of a sign-in carries who signed in: the app shows them without asking again. `go`
   * moves the address (a router navigation) in the same render as the signed-in app appears.
   */
  signedIn(me: Me, go?: () => void): Promise<void>;
  signOut(): Promise<void>;
  can(permission: string): boolean;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: React.ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const refresh = useCallback(async () => {
    try {
      // "Nobody" is an answer (me: null), not a 401 that the browser would log as an error (item 11).
      const { me: m } = await api.get<{ me: Me | null }>("/api/v1/auth/session");
      setCsrfToken(m?.csrfToken ?? null);
      if (m) await speakFor(m);
      setMe(m);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
      setMe(null);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const signedIn = useCallback(async (m: Me, go?: () => void) => {
    setCsrfToken(m.csrfToken ?? null);
    await speakFor(m);
    go?.();
    setMe(m);
    setLoading(false);
  }, []);
  const signOut = useCallback(async () => {
    await api.plainPost("/api/v1/auth/sign-out");
    setCsrfToken(null);
    await switchLanguage(browserLanguage());
    setMe(null);
  }, []);
  const can = useCallback((p: string) => me?.permissions.includes(p) ?? false, [me]);
  return (
    <SessionContext.Provider value={{ me, loading, refresh, signedIn, signOut, can }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside SessionProvider");
  return s;
}

/** The signed-in staff member; only used inside the signed-in part of the app. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error("not signed in");
  return me;
}
