// The purple box that marks a package booking on the calendar (A4); on a purple card it turns white.
import { useTranslation } from "react-i18next";

export function PackageIcon({ size = 14, onColor = false }: { size?: number; onColor?: boolean }) {
  const { t } = useTranslation("calendar");
  const box = onColor ? "white" : "#7048e8";
  const lines = onColor ? "#7048e8" : "white";
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      role="img"
      aria-label={t("packageIcon")}
      data-testid="package-icon"
      style={{ flexShrink: 0 }}
    >
      <title>{t("packageIcon")}</title>
      <path d="M12 2 3 6.5v11L12 22l9-4.5v-11L12 2Z" fill={box} />
      <path d="M3 6.5 12 11l9-4.5M12 11v11" stroke={lines} strokeWidth="1.6" fill="none" />
    </svg>
  );
}
