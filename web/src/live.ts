// U4: live updates. While someone is signed in, one Server-Sent Events stream from the server
// (GET /api/v1/live) names what changed in the business, whoever changed it and on whichever server;
// the screens showing it refresh through their query keys, which start with the resource's name
// (["appointments", …], ["packages", …]: web/src/query.ts).
import { useEffect } from "react";
import { useSession } from "./auth/session.js";
import { queryClient } from "./query.js";

const FIRST_RETRY_MS = 1_000;
const LAST_RETRY_MS = 30_000;
/** after the server says the session ended: this page may be signing out itself, leave it the time */
const SESSION_CHECK_MS = 500;

/** Mounted once, in the signed-in layout. */
export function useLiveUpdates(): void {
  const { refresh } = useSession();
  useEffect(() => {
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let heardBefore = false;
    let stopped = false;

    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
      source = null;
    };
    const open = () => {
      if (stopped) return;
      const stream = new EventSource("/api/v1/live");
      source = stream;
      stream.addEventListener("ready", () => {
        failures = 0;
        // changes made while the stream was away went unheard
        if (heardBefore) void queryClient.invalidateQueries();
        heardBefore = true;
      });
      stream.addEventListener("change", (event) => {
        const resource = resourceOf(event);
        if (!resource) return;
        void queryClient.invalidateQueries({ queryKey: [resource] });
        // the signed-in person's own role, locations or business settings may be what changed
        if (resource === "staff" || resource === "settings") void refresh().catch(() => {});
      });
      stream.addEventListener("resync", () => void queryClient.invalidateQueries());
      stream.addEventListener("end", () => {
        // The session ended (signed out elsewhere, deactivated): no reconnecting; the session
        // check sends the page to the sign-in form, unless this page is leaving by itself.
        stop();
        timer = setTimeout(() => void refresh().catch(() => {}), SESSION_CHECK_MS);
      });
      // A lost stream (the server restarted, the network dropped, the stream's time was up):
      // open it again, waiting longer after each failure, rather than the browser's fixed retry.
      stream.onerror = () => {
        stream.close();
        if (source !== stream || stopped) return;
        source = null;
        timer = setTimeout(open, Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** failures++));
      };
    };

    open();
    return stop;
  }, [refresh]);
}

function resourceOf(event: MessageEvent): string | null {
  try {
    const data = JSON.parse(event.data) as { resource?: unknown };
    return typeof data.resource === "string" ? data.resource : null;
  } catch {
    return null;
  }
}
