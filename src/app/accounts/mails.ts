// The e-mails that carry account links. Each says the same whether or not its address already has
// an account anywhere: the mail must not tell what the answer on screen does not.
import type { Role } from "../../db/schema.js";

const ROLE_WORDS: Record<Role, string> = {
  owner: "an owner",
  manager: "a manager",
  front_desk: "front desk",
  practitioner: "a practitioner",
};

export const INVITATION_DAYS = 7;
export const RESET_MINUTES = 60;
export const FIRST_PASSWORD_DAYS = 7;
export const SIGN_UP_HOURS = 24;

export function invitationMail(i: {
  name: string;
  role: Role;
  businessName: string;
  inviterName: string;
  link: string;
}) {
  return {
    subject: `${i.inviterName} invited you to ${i.businessName} on Carnet`,
    text: [
      `Hello ${i.name},`,
      "",
      `${i.inviterName} invited you to work at ${i.businessName} on Carnet, as ${ROLE_WORDS[i.role]}.`,
      "",
      "Open this link to accept:",
      i.link,
      "",
      `The link works once and expires in ${INVITATION_DAYS} days. If you did not expect this invitation, ignore this e-mail.`,
    ].join("\n"),
  };
}

export function passwordResetMail(r: { email: string; link: string }) {
  return {
    subject: "Reset your Carnet password",
    text: [
      `Someone asked to reset the password of the Carnet account ${r.email}.`,
      "",
      `Open this link within ${RESET_MINUTES} minutes to choose a new password:`,
      r.link,
      "",
      "The link works once, and using it signs the account out everywhere. If you did not ask for it, ignore this e-mail: your password stays as it is.",
    ].join("\n"),
  };
}

export function signUpMail(s: { businessName: string; link: string }) {
  return {
    subject: `Create ${s.businessName} on Carnet`,
    text: [
      `Open this link within ${SIGN_UP_HOURS} hours to create ${s.businessName} on Carnet:`,
      s.link,
      "",
      "The link works once. If you did not sign up, ignore this e-mail: nothing is created.",
    ].join("\n"),
  };
}
