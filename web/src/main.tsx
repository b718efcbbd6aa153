import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import "./index.css";
import { createTheme, MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { App } from "./App.js";
import "./i18n/index.js";
import { queryClient } from "./query.js";

const theme = createTheme({ primaryColor: "violet", defaultRadius: "md" });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <MantineProvider theme={theme}>
        {/* Top centre: never over the signed-in person, the location or the buttons people click. */}
        <Notifications position="top-center" />
        <BrowserRouter useTransitions={false}>
          <App />
        </BrowserRouter>
      </MantineProvider>
    </QueryClientProvider>
  </StrictMode>,
);
