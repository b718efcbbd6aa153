// The e-mails that carry account links, in the reader's language (U2: locales/<language>/mail.json).
// Each says the same whether or not its address already has an account anywhere: the mail must not
// tell what the answer on screen does not.
import type { Role } from "../../db/schema.js";
import type { MailWords } from "../mail-words.js";

export const INVITATION_DAYS = 7;
export const RESET_MINUTES = 60;
export const FIRST_PASSWORD_DAYS = 7;
export const SIGN_UP_HOURS = 24;

export function invitationMail(
  w: MailWords,
  i: { name: string; role: Role; businessName: string; inviterName: string; link: string },
) {
  const names = { inviter: i.inviterName, business: i.businessName };
  return {
    subject: w.t("invitation.subject", names),
    text: [
      w.t("invitation.hello", { name: i.name }),
      "",
      w.t("invitation.invited", { ...names, role: w.t(`invitation.role.${i.role}`) }),
      "",
      w.t("invitation.open"),
      i.link,
      "",
      w.t("invitation.expires", { count: INVITATION_DAYS }),
    ].join("\n"),
  };
}

export function passwordResetMail(w: MailWords, r: { email: string; link: string }) {
  return {
    subject: w.t("passwordReset.subject"),
    text: [
      w.t("passwordReset.asked", { email: r.email }),
      "",
      w.t("passwordReset.open", { count: RESET_MINUTES }),
      r.link,
      "",
      w.t("passwordReset.once"),
    ].join("\n"),
  };
}

export function signUpMail(w: MailWords, s: { businessName: string; link: string }) {
  return {
    subject: w.t("signUp.subject", { business: s.businessName }),
    text: [
      w.t("signUp.open", { count: SIGN_UP_HOURS, business: s.businessName }),
      s.link,
      "",
      w.t("signUp.once"),
    ].join("\n"),
  };
}
